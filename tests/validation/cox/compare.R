# compare.R: compare hccstudy's numbers (TSV flattened from its JSON by jq)
# with coxph / cox.zph on the same CSV.  Usage: Rscript compare.R CASES DIR
# CASES lines: name|kind|csv|hccstudy flags|R call ; DIR holds name.tsv.
# Prints "PASS case key" or "FAIL case key ours R" per compared number, then
# "N passed, N failed".  Tolerances: coef 1e-6 relative, SE/tests/p 1e-5,
# concordance 1e-5.
suppressMessages(library(survival))
invisible(Sys.setlocale("LC_COLLATE", "C"))
args <- commandArgs(trailingOnly = TRUE)
cases <- read.table(args[1], sep = "|", quote = "", comment.char = "#",
                    stringsAsFactors = FALSE, strip.white = TRUE,
                    fill = TRUE, col.names = paste0("V", 1:6))
dir <- args[2]
npass <- 0; nfail <- 0
check <- function(case, key, ours, ref, tol) {
  ok <- if (is.na(ref)) is.na(ours) else
    (!is.na(ours) && abs(ours - ref) <= tol * max(abs(ref), 1e-8))
  if (isTRUE(ok)) {
    npass <<- npass + 1
  } else {
    nfail <<- nfail + 1
    cat(sprintf("FAIL %s %s ours=%.15g R=%.15g\n", case, key, ours, ref))
  }
}
check_str <- function(case, key, ours, ref) {
  if (identical(ours, ref)) npass <<- npass + 1 else {
    nfail <<- nfail + 1
    cat(sprintf("FAIL %s %s ours=%s R=%s\n", case, key, ours, ref))
  }
}
for (i in seq_len(nrow(cases))) {
  name <- cases[i, 1]; kind <- cases[i, 2]; csv <- cases[i, 3]
  call <- cases[i, 5]
  tsv <- file.path(dir, paste0(name, ".tsv"))
  if (!file.exists(tsv) || file.info(tsv)$size == 0) {
    nfail <- nfail + 1
    cat(sprintf("FAIL %s no output from hccstudy\n", name))
    next
  }
  ours <- read.table(tsv, sep = "\t", quote = "", stringsAsFactors = FALSE,
                     col.names = c("key", "idx", "value"), colClasses = "character",
                     na.strings = character(0))
  get <- function(key, idx = "") {
    v <- ours$value[ours$key == key & ours$idx == idx]
    if (length(v) != 1) return(NA_character_) else v
  }
  num <- function(key, idx = "") suppressWarnings(as.numeric(get(key, idx)))
  data <- read.csv(file.path(dir, csv), stringsAsFactors = TRUE)
  for (j in seq_along(data)) if (is.integer(data[[j]]))
    storage.mode(data[[j]]) <- "double"
  for (j in seq_along(data)) if (is.factor(data[[j]]))
    data[[j]] <- factor(as.character(data[[j]]),
                        levels = sort(unique(as.character(data[[j]]))))
  fit <- suppressWarnings(eval(parse(text = call)))
  if (kind == "cox") {
    b <- coef(fit)
    robust <- !is.null(fit$naive.var)
    v <- if (robust) fit$naive.var else fit$var
    se <- sqrt(diag(v)); rse <- sqrt(diag(fit$var))
    # expected names: numeric terms as is, factor dummies "col=level"
    xl <- fit$xlevels
    nm <- character(0)
    for (t in attr(terms(fit), "term.labels")) {
      if (!is.null(xl[[t]])) nm <- c(nm, paste0(t, "=", xl[[t]][-1]))
      else nm <- c(nm, t)
    }
    z <- b / rse
    ci <- summary(fit)$conf.int
    for (k in seq_along(b)) {
      id <- as.character(k - 1)
      check_str(name, paste0("name[", k, "]"), get("name", id), nm[k])
      check(name, paste0("coef[", nm[k], "]"), num("coef", id), b[k], 1e-6)
      check(name, paste0("se[", nm[k], "]"), num("se", id), se[k], 1e-5)
      if (robust)
        check(name, paste0("robust_se[", nm[k], "]"), num("robust_se", id),
              rse[k], 1e-5)
      check(name, paste0("z[", nm[k], "]"), num("z", id), z[k], 1e-5)
      check(name, paste0("p[", nm[k], "]"), num("p", id),
            pchisq(z[k]^2, 1, lower.tail = FALSE), 1e-5)
      check(name, paste0("hr[", nm[k], "]"), num("hr", id), exp(b[k]), 1e-6)
      check(name, paste0("hr_lower[", nm[k], "]"), num("hr_lower", id),
            ci[k, 3], 1e-5)
      check(name, paste0("hr_upper[", nm[k], "]"), num("hr_upper", id),
            ci[k, 4], 1e-5)
    }
    check(name, "n", num("n"), fit$n, 0)
    check(name, "events", num("events"), fit$nevent, 0)
    check(name, "n_dropped", num("n_dropped"), length(fit$na.action), 0)
    check(name, "iterations", num("iterations"), fit$iter, 0)
    check(name, "loglik_null", num("loglik_null"), fit$loglik[1], 1e-6)
    check(name, "loglik", num("loglik"), fit$loglik[2], 1e-6)
    df <- sum(!is.na(b))
    lr <- 2 * diff(fit$loglik)
    check(name, "lr_test", num("lr_chisq"), lr, 1e-5)
    check(name, "lr_p", num("lr_p"), pchisq(lr, df, lower.tail = FALSE), 1e-5)
    check(name, "wald_test", num("wald_chisq"), fit$wald.test, 1e-5)
    check(name, "score_test", num("score_chisq"), fit$score, 1e-5)
    check(name, "score_p", num("score_p"),
          pchisq(fit$score, df, lower.tail = FALSE), 1e-5)
    check(name, "concordance", num("concordance"),
          fit$concordance[["concordance"]], 1e-5)
    check(name, "concordance_se", num("concordance_se"),
          fit$concordance[["std"]], 1e-5)
  } else {
    tr <- cases[i, 6]
    zp <- cox.zph(fit, transform = tr)$table
    rn <- rownames(zp)
    for (k in seq_len(nrow(zp))) {
      id <- if (rn[k] == "GLOBAL") "GLOBAL" else as.character(k - 1)
      if (rn[k] != "GLOBAL")
        check_str(name, paste0("term[", k, "]"), get("name", id), rn[k])
      check(name, paste0("chisq[", rn[k], "]"), num("chisq", id), zp[k, 1], 1e-5)
      check(name, paste0("df[", rn[k], "]"), num("df", id), zp[k, 2], 0)
      check(name, paste0("p[", rn[k], "]"), num("p", id), zp[k, 3], 1e-5)
    }
  }
}
cat(sprintf("%d passed, %d failed\n", npass, nfail))
