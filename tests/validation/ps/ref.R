# Reference values for tests/validation/ps.sh, computed live with R's glm and
# MatchIt 4.x.  Usage: Rscript ref.R OUTDIR
# Writes OUTDIR/lalonde.csv, OUTDIR/colon.csv (inputs for hccstudy) and
# OUTDIR/ref.txt: one line per reference number, "key value tol mode": mode
# rel checks |ours - value| <= tol * |value|, abs checks <= tol * max(|value|,
# 1) (for numbers near 0 such as balanced SMDs); tol 0 means exact.
suppressMessages({library(MatchIt); library(survival)})
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
ref <- file(file.path(out, "ref.txt"), "w")
put <- function(key, value, tol, mode = "rel") {
  for (i in seq_along(value)) {
    k <- if (length(value) > 1) paste0(key, ".", i) else key
    v <- if (is.na(value[i])) "null" else format(value[i], digits = 17)
    writeLines(paste(k, v, tol, mode), ref)
  }
}
putfit <- function(tag, fit) {
  s <- summary(fit)$coefficients
  cf <- coef(fit)
  put(paste0(tag, ".coef"), unname(cf), 1e-6)
  se <- rep(NA, length(cf)); se[!is.na(cf)] <- s[, 2]
  z <- rep(NA, length(cf)); z[!is.na(cf)] <- s[, 3]
  p <- rep(NA, length(cf)); p[!is.na(cf)] <- s[, 4]
  put(paste0(tag, ".se"), se, 1e-5)
  put(paste0(tag, ".z"), z, 1e-5)
  put(paste0(tag, ".p"), p, 1e-5)
  put(paste0(tag, ".or_lower"), exp(cf - qnorm(0.975) * se), 1e-5)
  put(paste0(tag, ".or_upper"), exp(cf + qnorm(0.975) * se), 1e-5)
  put(paste0(tag, ".deviance"), deviance(fit), 1e-8)
  put(paste0(tag, ".null_deviance"), fit$null.deviance, 1e-8)
  put(paste0(tag, ".aic"), fit$aic, 1e-8)
  put(paste0(tag, ".iterations"), fit$iter, 0)
}
# Austin's SMD with the unweighted full-sample variances (binary p(1-p)).
smd <- function(x, t, w) {
  isb <- all(x %in% c(0, 1))
  v <- function(g) if (isb) mean(x[t == g]) * (1 - mean(x[t == g])) else var(x[t == g])
  wm <- function(g) sum(w[t == g] * x[t == g]) / sum(w[t == g])
  (wm(1) - wm(0)) / sqrt((v(1) + v(0)) / 2)
}
ess <- function(w) sum(w)^2 / sum(w^2)
putps <- function(tag, X, t, w) {
  put(paste0(tag, ".smd_before"), apply(X, 2, smd, t = t, w = rep(1, length(t))), 1e-6, "abs")
  put(paste0(tag, ".smd_after"), apply(X, 2, smd, t = t, w = w), 1e-6, "abs")
  put(paste0(tag, ".ess_treated"), ess(w[t == 1]), 1e-6)
  put(paste0(tag, ".ess_control"), ess(w[t == 0]), 1e-6)
}

# --- lalonde (MatchIt) -------------------------------------------------------
data("lalonde", package = "MatchIt")
la <- lalonde
la$w <- 1 + (la$age %% 3)          # integer case weights for a weighted glm
la$age2 <- 2 * la$age               # aliased with age
write.csv(la, file.path(out, "lalonde.csv"), row.names = FALSE)
f <- treat ~ age + educ + married + nodegree + re74 + re75 + race
fit <- glm(f, data = la, family = binomial)
putfit("la", fit)
putfit("law", glm(f, data = la, family = binomial, weights = w))
putfit("laa", glm(treat ~ age + educ + age2 + race, data = la, family = binomial))
X <- model.matrix(fit)[, -1]
t <- la$treat
e <- fitted(fit)
put("la.ps", unname(e), 1e-6)
w_ate <- ifelse(t == 1, 1 / e, 1 / (1 - e))
w_ow <- ifelse(t == 1, 1 - e, e)
put("la_ate.weight", unname(w_ate), 1e-6)
put("la_ow.weight", unname(w_ow), 1e-6)
putps("la_ate", X, t, w_ate)
putps("la_ow", X, t, w_ow)
# MatchIt's greedy nearest neighbour (nn_matchC_vec.cpp) written out in R:
# units sorted by distance (sort.list), treated taken largest first, the
# nearest unmatched control below and above, a side whose nearest control is
# outside the caliper offers none, ties go to the one below.  ABS is the
# absolute value: MatchIt 4.5.1 calls C's integer abs() there, which
# truncates |difference| to a whole number (so a caliper below 1 SD of the
# logit hardly bites); hccstudy uses the true |difference|.
emu <- function(d, t, cal, ABS) {
  o <- sort.list(d); pos <- integer(length(d)); pos[o] <- seq_along(o)
  alive <- t == 0
  res <- rep(NA_integer_, length(d))
  for (i in which(t == 1)[order(d[t == 1], decreasing = TRUE)]) {
    kl <- NA; kr <- NA
    k <- pos[i] - 1
    while (k >= 1) { u <- o[k]; if (alive[u]) { if (is.null(cal) || ABS(d[i] - d[u]) <= cal) kl <- u; break }; k <- k - 1 }
    k <- pos[i] + 1
    while (k <= length(d)) { u <- o[k]; if (alive[u]) { if (is.null(cal) || ABS(d[i] - d[u]) <= cal) kr <- u; break }; k <- k + 1 }
    if (!is.na(kl) && !is.na(kr)) u <- if (ABS(d[kl] - d[i]) <= ABS(d[kr] - d[i])) kl else kr
    else if (!is.na(kl)) u <- kl else if (!is.na(kr)) u <- kr else next
    res[i] <- u; alive[u] <- FALSE
  }
  res
}
truncabs <- function(x) trunc(abs(x))
# putmatch: the reference pairs (true |difference|), and a check that the
# emulation is MatchIt's algorithm: with MatchIt's own abs() it must give
# MatchIt's match.matrix exactly (or, in a MatchIt with the abs() fixed,
# the true-|difference| emulation must).
putmatch <- function(tag, fm, data, cal) {
  m <- if (is.null(cal)) matchit(fm, data = data, link = "linear.logit") else
       matchit(fm, data = data, link = "linear.logit", caliper = cal)
  d <- m$distance; t <- m$treat
  w <- if (is.null(cal)) NULL else cal * sd(d)
  ex <- emu(d, t, w, abs)
  mi <- match(m$match.matrix[, 1], rownames(data))
  tr <- which(t == 1)
  ok <- identical(emu(d, t, w, truncabs)[tr], mi) || identical(ex[tr], mi)
  writeLines(paste0(tag, ".matchit_emulated ", as.integer(ok), " 0 rel"), ref)
  put(paste0(tag, ".n_matched"), sum(!is.na(ex)), 0)
  for (i in tr) {
    writeLines(paste0(tag, ".pair.", i, " ", if (is.na(ex[i])) "null" else ex[i], " 0 rel"), ref)
  }
  wm <- as.numeric(!is.na(ex)); wm[ex[!is.na(ex)]] <- 1
  putps(tag, X, t, wm)
  if (!is.null(cal)) put(paste0(tag, ".caliper_width"), w, 1e-8)
}
putmatch("la_m", f, la, NULL)
putmatch("la_m02", f, la, 0.2)

# --- colon (survival): death, Lev+5FU vs Obs, as ps_ref.R ---------------------
cd <- subset(colon, etype == 2 & rx %in% c("Obs", "Lev+5FU"))
cd$trt <- as.integer(cd$rx == "Lev+5FU")
write.csv(cd, file.path(out, "colon.csv"), row.names = FALSE, na = "")
cc <- cd[complete.cases(cd[, c("age","sex","obstruct","perfor","adhere","nodes","differ","extent","surg")]), ]
fc <- trt ~ age + sex + obstruct + perfor + adhere + nodes + surg + factor(differ) + factor(extent)
pc <- glm(fc, family = binomial, data = cc)
putfit("co", pc)
e <- fitted(pc); t <- cc$trt; X <- model.matrix(pc)[, -1]
put("co.ps", unname(e), 1e-6)
w_sate <- ifelse(t == 1, mean(t) / e, (1 - mean(t)) / (1 - e))
w_att <- ifelse(t == 1, 1, e / (1 - e))
put("co_sate.weight", unname(w_sate), 1e-6)
put("co_att.weight", unname(w_att), 1e-6)
putps("co_sate", X, t, w_sate)
putps("co_att", X, t, w_att)
rownames(cc) <- NULL
putmatch("co_m02", fc, cc, 0.2)
close(ref)
