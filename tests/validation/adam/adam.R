# Reads the ADaM export (adsl.xpt, adrs.xpt, adtte.xpt) with haven and
# checks it against its metadata table and itself; fits the survival models
# on ADTTE (tests/validation/adam.sh).  Prints "ok NAME" or "FAIL NAME: why"
# per check, "val KEY VALUE" per number for adam.sh to compare with the
# analysis routes, and writes "DATASET VARIABLE" lines of every XPORT file
# in the given directories to NAMES (for the define.xml checks).
#   Rscript adam.R ADAMDIR TSV NAMES [OTHER_XPT_DIR...]
# Keys: pfs_hr, pfs_coef, pfs_se, pfs_n, pfs_events, pfs_median_HAIC,
# pfs_median_TACE (and os_...); resp_COHORT_n, resp_COHORT_orr,
# resp_COHORT_dcr (BOR in ADRS, analysis population).
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
res <- function(name, ok, why = "") {
  if (isTRUE(ok)) cat("ok", name, "\n") else cat("FAIL ", name, ": ", why, "\n", sep = "")
}
val <- function(key, v) cat("val ", key, " ", v, "\n", sep = "")
for (p in c("haven", "survival")) {
  if (!requireNamespace(p, quietly = TRUE)) {
    res(paste("R package", p), FALSE, "not installed (scripts/deps.sh test)")
    quit(status = 0)
  }
}
suppressPackageStartupMessages(library(survival))
meta <- read.delim(args[2], stringsAsFactors = FALSE, na.strings = character(0),
                   colClasses = "character", quote = "")
rd <- function(n) haven::read_xpt(file.path(dir, paste0(tolower(n), ".xpt")))
x <- list(ADSL = rd("ADSL"), ADRS = rd("ADRS"), ADTTE = rd("ADTTE"))

# Every exported variable has its row in adam.tsv, in file order, with its
# label and type; Char values fit the table's length.
for (ds in names(x)) {
  m <- meta[meta$dataset == ds, ]
  d <- x[[ds]]
  res(paste(ds, "variables are adam.tsv's"), identical(names(d), m$variable),
      paste(setdiff(union(names(d), m$variable), intersect(names(d), m$variable)),
            collapse = ","))
  if (!identical(names(d), m$variable)) next
  lab <- vapply(d, function(v) { l <- attr(v, "label"); if (is.null(l)) "" else l }, "")
  res(paste(ds, "labels are adam.tsv's"), identical(unname(lab), m$label),
      paste(m$variable[unname(lab) != m$label], collapse = ","))
  res(paste(ds, "names <= 8 upper case, labels <= 40"),
      all(nchar(m$variable) <= 8 & m$variable == toupper(m$variable) &
          nchar(m$label) <= 40))
  ty <- vapply(d, function(v) if (is.character(v)) "Char" else "Num", "")
  res(paste(ds, "types are adam.tsv's"), identical(unname(ty), m$type),
      paste(m$variable[unname(ty) != m$type], collapse = ","))
  long <- character(0)
  for (j in which(m$type == "Char")) {
    v <- d[[j]]
    if (any(nchar(v[!is.na(v)], type = "bytes") > as.integer(m$length[j]))) {
      long <- c(long, m$variable[j])
    }
  }
  res(paste(ds, "Char values fit adam.tsv's length"), length(long) == 0,
      paste(long, collapse = ","))
  res(paste(ds, "core is Req, Exp or Perm"), all(m$core %in% c("Req", "Exp", "Perm")))
  res(paste(ds, "has rows"), nrow(d) > 0, nrow(d))
}
# Values only from here on (labels and formats dropped; dates stay Dates).
plain <- function(d) as.data.frame(haven::zap_label(haven::zap_formats(d)))
adsl <- plain(x$ADSL)
adrs <- plain(x$ADRS)
adtte <- plain(x$ADTTE)

# ADSL: one row a subject; dates are dates (DATE9.).
res("ADSL one row a subject", !anyDuplicated(adsl$USUBJID))
dts <- c("TRTSDT", "TRTEDT", "DTHDT", "EOSDT", "LSTALVDT")
res("ADSL dates read as dates (DATE9.)",
    all(vapply(dts, function(v) inherits(adsl[[v]], "Date"), TRUE)))
res("ADSL DTHFL Y exactly where DTHDT is present",
    identical(adsl$DTHFL == "Y", !is.na(adsl$DTHDT)))
en <- adsl$ENRLFL == "Y"
res("ADSL enrolled subjects have TRTSDT and TRT01P",
    all(!is.na(adsl$TRTSDT[en])) && all(adsl$TRT01P[en] != ""))
res("ADSL analysis population within the enrolled", all(en[adsl$ANLPOPFL == "Y"]))
res("ADSL TRTEDT on or after TRTSDT",
    all(adsl$TRTEDT >= adsl$TRTSDT, na.rm = TRUE))

# ADTTE: one row a subject and parameter; AVAL = ADT - STARTDT; CNSR 0/1;
# AVAL and CNSR equal ADSL's PFSDY/PFSCNSR and OSDY/OSCNSR.
res("ADTTE one row a subject and parameter",
    !anyDuplicated(paste(adtte$USUBJID, adtte$PARAMCD)))
res("ADTTE PARAMCD PFS or OS", all(adtte$PARAMCD %in% c("PFS", "OS")))
res("ADTTE CNSR 0 or 1", all(adtte$CNSR %in% c(0, 1)))
res("ADTTE AVAL = ADT - STARTDT",
    isTRUE(all.equal(adtte$AVAL, as.numeric(adtte$ADT - adtte$STARTDT))))
res("ADTTE STARTDT = ADSL TRTSDT",
    identical(as.numeric(adtte$STARTDT),
              as.numeric(adsl$TRTSDT[match(adtte$USUBJID, adsl$USUBJID)])))
res("ADTTE CNSDTDSC exactly on censored rows",
    identical(adtte$CNSDTDSC != "", adtte$CNSR == 1))
res("ADTTE events are DISEASE PROGRESSION or DEATH",
    all(adtte$EVNTDESC[adtte$CNSR == 0] %in% c("DISEASE PROGRESSION", "DEATH")) &&
      all(adtte$EVNTDESC[adtte$PARAMCD == "OS" & adtte$CNSR == 0] == "DEATH"))
for (ep in c("PFS", "OS")) {
  t <- adtte[adtte$PARAMCD == ep, ]
  i <- match(t$USUBJID, adsl$USUBJID)
  res(paste("ADTTE", ep, "AVAL and CNSR equal ADSL's"),
      identical(t$AVAL, adsl[[paste0(ep, "DY")]][i]) &&
        identical(t$CNSR, adsl[[paste0(ep, "CNSR")]][i]))
  res(paste("ADTTE", ep, "rows are ADSL's subjects with", ep),
      setequal(t$USUBJID, adsl$USUBJID[!is.na(adsl[[paste0(ep, "DY")]])]))
}
res("ADTTE population flag equals ADSL's",
    identical(adtte$ANLPOPFL, adsl$ANLPOPFL[match(adtte$USUBJID, adsl$USUBJID)]))

# ADRS: one BOR row a subject with a best overall response, equal to
# ADSL's BOR; AVAL codes AVALC; OVR rows one a subject and date.
bor <- adrs[adrs$PARAMCD == "BOR", ]
ovr <- adrs[adrs$PARAMCD == "OVR", ]
res("ADRS PARAMCD OVR or BOR", all(adrs$PARAMCD %in% c("OVR", "BOR")))
res("ADRS one BOR row a subject", !anyDuplicated(bor$USUBJID))
res("ADRS BOR rows are ADSL's subjects with a BOR",
    setequal(bor$USUBJID, adsl$USUBJID[adsl$BOR != ""]))
res("ADRS BOR equals ADSL BOR",
    identical(bor$AVALC, adsl$BOR[match(bor$USUBJID, adsl$USUBJID)]))
res("ADRS OVR one row a subject and date",
    !anyDuplicated(paste(ovr$USUBJID, ovr$ADT)))
res("ADRS AVALC mRECIST terms",
    all(adrs$AVALC %in% c("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")))
code <- c(CR = 1, PR = 2, SD = 3, "NON-CR/NON-PD" = 4, PD = 5, NE = 6)
res("ADRS AVAL codes AVALC (CR 1 ... NE 6)",
    identical(as.numeric(adrs$AVAL), unname(code[adrs$AVALC])))
res("ADRS PARCAT1 MRECIST", all(adrs$PARCAT1 == "MRECIST"))
res("ADRS ASEQ 1..n within subject",
    all(tapply(adrs$ASEQ, adrs$USUBJID, function(s) identical(as.numeric(s), as.numeric(seq_along(s))))))
res("ADRS BOR ADT is an OVR date of that response",
    all(is.na(bor$ADT) | paste(bor$USUBJID, bor$ADT, bor$AVALC) %in%
          paste(ovr$USUBJID, ovr$ADT, ovr$AVALC)))
ref <- adsl$TRTSDT[match(adrs$USUBJID, adsl$USUBJID)]
delta <- as.numeric(adrs$ADT - ref)
res("ADRS ADY = ADT - TRTSDT (+1 on or after TRTSDT)",
    identical(as.numeric(adrs$ADY), ifelse(delta >= 0, delta + 1, delta)))

# Response counts of the analysis population, by planned cohort.
pop <- adsl[adsl$ANLPOPFL == "Y", ]
pb <- bor[bor$ANLPOPFL == "Y", ]
for (g in c(HAIC = 1, TACE = 2)) {
  nm <- if (g == 1) "HAIC" else "TACE"
  b <- pb$AVALC[pb$TRTPN == g]
  val(paste0("resp_", nm, "_n"), sum(pop$TRT01PN == g))
  val(paste0("resp_", nm, "_orr"), sum(b %in% c("CR", "PR")))
  val(paste0("resp_", nm, "_dcr"), sum(b %in% c("CR", "PR", "SD")))
  val(paste0("resp_", nm, "_adsl_orr"),
      sum(pop$BOR[pop$TRT01PN == g] %in% c("CR", "PR")))
}

# survival::coxph(Surv(AVAL, 1 - CNSR) ~ HAIC) and survfit by TRTP on
# ADTTE, analysis population.
for (ep in c("PFS", "OS")) {
  d <- adtte[adtte$PARAMCD == ep & adtte$ANLPOPFL == "Y", ]
  d$haic <- as.integer(d$TRTPN == 1)
  fit <- coxph(Surv(AVAL, 1 - CNSR) ~ haic, data = d)
  k <- tolower(ep)
  val(paste0(k, "_hr"), format(exp(coef(fit)[[1]]), digits = 15))
  val(paste0(k, "_coef"), format(coef(fit)[[1]], digits = 15))
  val(paste0(k, "_se"), format(sqrt(vcov(fit)[1, 1]), digits = 15))
  val(paste0(k, "_n"), fit$n)
  val(paste0(k, "_events"), fit$nevent)
  d$arm <- ifelse(d$TRTPN == 1, "HAIC", "TACE")
  km <- survfit(Surv(AVAL, 1 - CNSR) ~ arm, data = d)
  med <- summary(km)$table[, "median"]
  for (g in c("HAIC", "TACE")) {
    v <- med[[paste0("arm=", g)]]
    val(paste0(k, "_median_", g), if (is.na(v)) "null" else format(v, digits = 15))
  }
}

# ADSL against SDTM DM when the SDTM export holds it (ADaM: ADSL's
# identifiers, arms, age, sex and death flag are DM's).
for (dd in args[-(1:3)]) {
  f <- file.path(dd, "dm.xpt")
  if (!file.exists(f)) next
  dm <- plain(haven::read_xpt(f))
  res("ADSL subjects are DM's", setequal(adsl$USUBJID, dm$USUBJID))
  i <- match(adsl$USUBJID, dm$USUBJID)
  bad <- character(0)
  for (v in c("STUDYID", "SUBJID", "SITEID", "ARM", "ARMCD", "ACTARM",
              "ACTARMCD", "AGE", "AGEU", "SEX", "DTHFL")) {
    if (!(v %in% names(dm))) next
    a <- adsl[[v]]
    b <- dm[[v]][i]
    if (is.character(a)) { a[is.na(a)] <- ""; b[is.na(b)] <- "" }
    if (!identical(a, b)) bad <- c(bad, v)
  }
  res("ADSL values equal DM's", length(bad) == 0, paste(bad, collapse = ","))
}

# The variables of every XPORT file, for the define.xml checks.
lines <- character(0)
for (dd in c(dir, args[-(1:3)])) {
  for (f in list.files(dd, pattern = "\\.xpt$", full.names = TRUE)) {
    ds <- toupper(sub("\\.xpt$", "", basename(f)))
    lines <- c(lines, paste(ds, names(haven::read_xpt(f))))
  }
}
writeLines(lines, args[3])
