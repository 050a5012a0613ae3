# export.R: write the survival package's data sets as CSV for cox.sh.
# Usage: Rscript export.R OUTDIR.  Columns used by the cases only; derived
# columns (weights, logs, 0/1 events) are computed here so that hccstudy and
# R read exactly the same numbers from the same file.
suppressMessages(library(survival))
out <- commandArgs(trailingOnly = TRUE)[1]
w <- function(d, f) write.csv(d, file.path(out, f), row.names = FALSE, na = "")
l <- survival::lung
l$w <- l$age / 50
w(l, "lung.csv")                      # status 1/2: R's coding, kept on purpose
v <- survival::veteran
v$celltype <- as.character(v$celltype)
w(v, "veteran.csv")
w(survival::ovarian, "ovarian.csv")
co <- survival::colon[survival::colon$etype == 2, ]
co$rx <- as.character(co$rx)
w(co, "colon.csv")
p <- survival::pbc[1:312, ]
p$dead <- as.integer(p$status == 2)
p$lbili <- log(p$bili)
p$lalb <- log(p$albumin)
p$lpro <- log(p$protime)
w(p, "pbc.csv")
# near-tied times (timefix) and tied deaths with weights
set.seed(20261124)
n <- 300
s <- data.frame(time = round(rexp(n, 0.1), 1) + ifelse(runif(n) < 0.2, 1e-10, 0),
                status = rbinom(n, 1, 0.7), x1 = rnorm(n), x2 = rbinom(n, 1, 0.4),
                g = sample(c("b", "a", "c"), n, TRUE), st = sample(1:3, n, TRUE),
                wt = sample(1:3, n, TRUE))
w(s, "sim.csv")
