# gen.R: benchmark data for bench/run.sh.
#   Rscript bench/gen.R N OUT.csv
# N rows; time in whole days (heavy ties), ~79% events, a two-level text
# group with a true hazard ratio, 10 covariates (6 continuous with 4
# decimals, 2 binary, 2 small integers), all entering the hazard.
args <- commandArgs(trailingOnly = TRUE)
n <- as.integer(args[1])
out <- args[2]
set.seed(20261124)
x <- matrix(0, n, 10)
for (j in 1:6) x[, j] <- round(rnorm(n), 4)
x[, 7] <- rbinom(n, 1, 0.4)
x[, 8] <- rbinom(n, 1, 0.2)
x[, 9] <- sample(0:4, n, replace = TRUE)
x[, 10] <- round(runif(n, 20, 90))
colnames(x) <- paste0("x", 1:10)
arm <- sample(c("control", "treated"), n, replace = TRUE)
beta <- c(0.2, -0.1, 0.05, 0, 0.15, -0.2, 0.3, -0.25, 0.1, 0.01)
lp <- drop(x %*% beta) + ifelse(arm == "treated", -0.3, 0)
t_event <- rexp(n, 0.002 * exp(lp))
t_cens <- runif(n, 30, 1200)
time <- pmax(1, ceiling(pmin(t_event, t_cens)))
status <- as.integer(t_event <= t_cens)
d <- data.frame(time = time, status = status, arm = arm, x)
write.csv(d, out, row.names = FALSE)
