# Reference values for tests/validation/design.sh, computed live by R
# (stats: binom.test, prop.test, qbeta, fisher.test, chisq.test) and rpact
# (getSampleSizeSurvival, getEventProbabilities, getPowerSurvival).
# Each output line is one hccstudy invocation and the numbers it must give:
#   ARGS|key=value|key=value...
# where ARGS are the arguments after "hccstudy" (without --json) and each
# key is a top-level key of the JSON output.  "Inf" means JSON null for an
# infinite odds ratio or limit.
suppressMessages(library(rpact))
num <- function(x) ifelse(is.infinite(x), "Inf", sprintf("%.17g", x))
emit <- function(args, vals) {
  cat(args, paste0("|", names(vals), "=", sapply(vals, num), collapse = ""),
      "\n", sep = "")
}
set.seed(20261124)

# ---- binomial: edges x = 0, 1, n-1, n and interior values -------------
for (n in c(1, 2, 5, 10, 20, 37, 100, 925, 5000)) {
  xs <- unique(c(0, 1, floor(n / 3), floor(n / 2), n - 1, n))
  xs <- xs[xs >= 0 & xs <= n]
  for (x in xs) {
    for (cl in c(0.95, 0.9)) {
      p0 <- sample(c(0.5, 0.2, 0.75), 1)
      b <- binom.test(x, n, p = p0, conf.level = cl)
      emit(sprintf("stats binom --x %d --n %d --p0 %g --conf-level %g",
                   x, n, p0, cl),
           c(lower = b$conf.int[1], upper = b$conf.int[2], p = b$p.value,
             estimate = unname(b$estimate)))
      w <- suppressWarnings(prop.test(x, n, conf.level = cl, correct = FALSE))
      emit(sprintf("stats binom --x %d --n %d --method wilson --conf-level %g",
                   x, n, cl),
           c(lower = w$conf.int[1], upper = w$conf.int[2]))
      a <- (1 - cl) / 2
      emit(sprintf(paste("stats binom --x %d --n %d --method jeffreys",
                         "--conf-level %g"), x, n, cl),
           c(lower = qbeta(a, x + 0.5, n - x + 0.5),
             upper = qbeta(1 - a, x + 0.5, n - x + 0.5)))
    }
  }
}

# ---- Fisher 2 x 2: fixed edges and random tables ------------------------
fisher_case <- function(t, cl = 0.95) {
  m <- matrix(t, 2, byrow = TRUE)
  f <- fisher.test(m, conf.level = cl)
  emit(sprintf("stats fisher --table %d,%d,%d,%d --conf-level %g",
               t[1], t[2], t[3], t[4], cl),
       c(p = f$p.value, odds_ratio = unname(f$estimate),
         lower = f$conf.int[1], upper = f$conf.int[2]))
}
edges <- list(c(3, 1, 1, 3), c(2, 15, 10, 3), c(12, 7, 5, 7), c(0, 5, 5, 0),
              c(5, 0, 0, 5), c(0, 3, 4, 6), c(7, 0, 3, 2), c(0, 0, 3, 4),
              c(1, 0, 0, 0), c(0, 10, 0, 12), c(1, 1, 1, 1), c(50, 1, 1, 50),
              c(0, 40, 12, 30), c(150, 120, 90, 160))
for (t in edges) fisher_case(t)
for (i in 1:60) {
  top <- sample(c(5, 15, 40, 300), 1)
  fisher_case(sample(0:top, 4, replace = TRUE), sample(c(0.95, 0.9, 0.99), 1))
}

# ---- chi-square r x c (no zero margins; zero cells allowed) -------------
chisq_case <- function(m, correct = TRUE) {
  tab <- paste(apply(m, 1, paste, collapse = ","), collapse = "/")
  x <- suppressWarnings(chisq.test(m, correct = correct))
  emit(sprintf("stats chisq --table %s%s", tab,
               if (correct) "" else " --no-correct"),
       c(statistic = unname(x$statistic), p = x$p.value,
         df = unname(x$parameter), min_expected = min(x$expected),
         n_expected_below_5 = sum(x$expected < 5)))
}
chisq_case(matrix(c(3, 1, 1, 3), 2))
chisq_case(matrix(c(12, 5, 7, 7, 3, 4), 2, byrow = TRUE))
chisq_case(matrix(c(0, 9, 8, 2), 2, byrow = TRUE))
chisq_case(matrix(c(0, 9, 8, 2), 2, byrow = TRUE), FALSE)
chisq_case(matrix(c(10, 10, 10, 10), 2))
for (i in 1:40) {
  r <- sample(2:4, 1); k <- sample(2:5, 1)
  repeat {
    m <- matrix(sample(0:sample(c(6, 30, 200), 1), r * k, replace = TRUE), r)
    if (all(rowSums(m) > 0) && all(colSums(m) > 0)) break
  }
  chisq_case(m, r > 2 || k > 2 || runif(1) < 0.5)
}

# ---- rpact: sample size and power ----------------------------------------
methods <- c(schoenfeld = "Schoenfeld", freedman = "Freedman",
             "hsieh-freedman" = "HsiehFreedman")
for (i in 1:70) {
  hr <- sample(c(0.6, 0.7, 0.75, 1.3, 1.5), 1)
  sided <- sample(1:2, 1); alpha <- if (sided == 2) 0.05 else 0.025
  pw <- sample(c(0.8, 0.9), 1)
  med <- sample(c(8, 12, 20), 1)
  pieces <- sample(1:2, 1)
  acc <- if (pieces == 1) c(0, sample(c(12, 24), 1)) else c(0, 6, 24)
  inten <- if (pieces == 1) 0.1 else c(0.1, 0.2)
  fu <- sample(c(6, 12), 1)
  drop <- sample(c(0, 0.15, 0.1), 1); dt <- sample(c(12, 24), 1)
  ratio <- sample(c(1, 2, 0.5), 1)
  mname <- sample(names(methods), 1)
  common <- sprintf(paste("--hr %g --alpha %g --sided %d --ratio %g",
                          "--median-control %g --accrual-time %s",
                          "--accrual-intensity %s --follow-up %g",
                          "--dropout %g --dropout-time %g --method %s"),
                    hr, alpha, sided, ratio, med,
                    paste(acc[-1], collapse = ","),
                    paste(inten, collapse = ","), fu, drop, dt, mname)
  s <- getSampleSizeSurvival(alpha = alpha, sided = sided, beta = 1 - pw,
         hazardRatio = hr, lambda2 = log(2) / med, accrualTime = acc,
         accrualIntensity = inten, followUpTime = fu,
         dropoutRate1 = drop, dropoutRate2 = drop, dropoutTime = dt,
         allocationRatioPlanned = ratio, typeOfComputation = methods[[mname]])
  emit(sprintf("stats samplesize %s --power %g", common, pw),
       c(events = s$eventsFixed, n = s$nFixed, n1 = s$nFixed1,
         n2 = s$nFixed2))
  nn <- round(s$nFixed * sample(c(0.6, 0.85, 1.2), 1))
  ep <- getEventProbabilities(time = acc[length(acc)] + fu, accrualTime = acc,
         accrualIntensity = inten, lambda2 = log(2) / med, hazardRatio = hr,
         dropoutRate1 = drop, dropoutRate2 = drop, dropoutTime = dt,
         allocationRatioPlanned = ratio, maxNumberOfSubjects = nn)
  d <- nn * ep$overallEventProbabilities
  p <- suppressWarnings(getPowerSurvival(
         design = getDesignGroupSequential(kMax = 1, alpha = alpha,
                                           sided = sided),
         hazardRatio = hr, lambda2 = log(2) / med, accrualTime = acc,
         accrualIntensity = inten, maxNumberOfSubjects = nn,
         maxNumberOfEvents = d, dropoutRate1 = drop, dropoutRate2 = drop,
         dropoutTime = dt, allocationRatioPlanned = ratio,
         typeOfComputation = methods[[mname]], directionUpper = hr > 1))
  emit(sprintf("stats power %s --n %d", common, nn),
       c(events = d, power = p$overallReject))
  emit(sprintf(paste("stats power --hr %g --alpha %g --sided %d",
                     "--ratio %g --method %s --events %.17g"),
               hr, alpha, sided, ratio, mname, d),
       c(power = p$overallReject))
}
