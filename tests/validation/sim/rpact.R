# rpact::getSimulationSurvival for one design, run live by
# tests/validation/sim.sh and bench/sim.sh.
#   Rscript rpact.R HR MEDIAN_CONTROL ACCRUAL N EVENTS DROPOUT DROPOUT_TIME ITER SEED
# One-sided alpha 0.025, lower direction (HR < 1 favours the treated group):
# the same rejection region as hccstudy's two-sided 0.05 log-rank on the
# lower side.  Prints: overallReject elapsed_seconds analysisTime.
suppressMessages(library(rpact))
a <- as.numeric(commandArgs(trailingOnly = TRUE))
t0 <- proc.time()
d <- getDesignGroupSequential(kMax = 1, alpha = 0.025, sided = 1)
args <- list(d, median2 = a[2], hazardRatio = a[1], accrualTime = c(0, a[3]),
             maxNumberOfSubjects = a[4], plannedEvents = a[5],
             directionUpper = FALSE, maxNumberOfIterations = a[8],
             seed = a[9])
if (a[6] > 0) {
  args$dropoutRate1 <- a[6]
  args$dropoutRate2 <- a[6]
  args$dropoutTime <- a[7]
}
s <- do.call(getSimulationSurvival, args)
el <- (proc.time() - t0)[["elapsed"]]
cat(sprintf("%.6f %.4f %.6f\n", s$overallReject, el, s$analysisTime[1]))
