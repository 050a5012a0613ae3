# The SDTM domains against the casebooks they come from (issue 13):
#   Rscript fidelity.R CASEBOOKS.json SDTMDIR
# CASEBOOKS.json is `hccstudy export` without --format (the casebook
# documents, read with jsonlite); SDTMDIR the XPT files of --format sdtm
# (read with haven).  Each expected value is taken from the casebook
# record it maps, independently of src/report/sdtm.c: one DM row a
# patient, ARMCD the cohort, screen failures, AE and EX counts and values,
# the baseline target diameters in TR, each scan's overall mRECIST
# response in RS, the study day rule (no day 0), SUPPDM's ALBI grade.
# Prints one "ok ..." or "FAIL ..." line a check.
suppressPackageStartupMessages({
  library(haven)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
cbs <- fromJSON(args[1], simplifyVector = FALSE)$casebooks
dir <- args[2]
rd <- function(n) as.data.frame(read_xpt(file.path(dir, paste0(n, ".xpt"))))
res <- function(ok, msg) {
  cat(if (isTRUE(ok)) "ok " else "FAIL ", msg, "\n", sep = "")
}
dm <- rd("dm"); ae <- rd("ae"); ex <- rd("ex"); tr <- rd("tr"); rs <- rd("rs")
ds <- rd("ds"); suppdm <- rd("suppdm")

recs <- function(cb, kind) Filter(function(r) r$kind == kind, cb$records)
first <- function(cb, kind) {
  r <- recs(cb, kind)
  if (length(r)) r[[1]]$data else NULL
}
codes <- vapply(cbs, function(cb) cb$patient$code, "")
res(nrow(dm) == length(cbs) && !any(duplicated(dm$USUBJID)),
    sprintf("DM: one row a patient (%d rows, %d casebooks)", nrow(dm),
            length(cbs)))
res(setequal(dm$SUBJID, codes), "DM: SUBJID the patient codes")
usub <- setNames(dm$USUBJID, dm$SUBJID)

arm_ok <- TRUE
sf <- 0
for (cb in cbs) {
  row <- dm[dm$SUBJID == cb$patient$code, ]
  coh <- if (is.null(cb$patient$cohort)) "" else cb$patient$cohort
  if (row$ARMCD != coh) arm_ok <- FALSE
  if (cb$patient$status == "screen_failed") {
    sf <- sf + 1
    if (row$ARMNRS != "SCREEN FAILURE" || row$ARMCD != "") arm_ok <- FALSE
  }
  en <- first(cb, "enrolment")
  if (!is.null(en) && row$RFSTDTC != en$treatment_start) arm_ok <- FALSE
}
res(arm_ok, paste("DM: ARMCD the cohort, RFSTDTC the treatment start,",
                  "screen failures with ARMNRS SCREEN FAILURE"))
res(sf >= 1, sprintf("DM: the study has screen failures (%d)", sf))

n_ae <- sum(vapply(cbs, function(cb) length(recs(cb, "adverse_event")), 0))
res(nrow(ae) == n_ae, sprintf("AE: one row an adverse event (%d, %d)",
                              nrow(ae), n_ae))
gr_ok <- TRUE
for (cb in cbs) {
  for (r in recs(cb, "adverse_event")) {
    a <- ae[ae$AESPID == as.character(r$id), ]
    if (nrow(a) != 1 || a$AETOXGR != as.character(r$data$grade) ||
        a$AETERM != r$data$term || a$AESTDTC != r$data$onset_date ||
        a$AESER != if (isTRUE(r$data$serious)) "Y" else "N") {
      gr_ok <- FALSE
    }
  }
}
res(gr_ok, "AE: term, CTCAE grade, onset and seriousness as recorded")

n_pd1 <- sum(vapply(cbs, function(cb) length(recs(cb, "pd1_dose")), 0))
res(sum(ex$EXCAT == "PD-1 INHIBITOR") == n_pd1,
    sprintf("EX: one row a PD-1 dose (%d)", n_pd1))
n_tace <- sum(vapply(cbs, function(cb) length(recs(cb, "tace")), 0))
res(sum(ex$EXCAT == "LOCOREGIONAL") == n_tace,
    sprintf("EX: one row a TACE session (%d)", n_tace))
res(all(ex$EXDOSE[ex$EXTRT == "LENVATINIB"] %in% c(4, 8, 12, 24, 20, 16, 0)) &&
      all(ex$EXENDTC == "" | ex$EXENDTC >= ex$EXSTDTC),
    "EX: lenvatinib doses in mg, periods end on or after they start")

# Study day from the dates (SDTMIG 4.4.4).
dy <- function(dtc, ref) {
  d <- as.numeric(as.Date(dtc) - as.Date(ref))
  ifelse(d >= 0, d + 1, d)
}
tp_ok <- TRUE
n_tp <- 0
n_pd <- 0
bl_ok <- TRUE
for (cb in cbs) {
  u <- usub[[cb$patient$code]]
  en <- first(cb, "enrolment")
  for (tp in cb$derived$response$timepoints) {
    if (is.null(tp$overall)) next
    n_tp <- n_tp + 1
    r <- rs[rs$USUBJID == u & rs$RSTESTCD == "OVRLRESP" & rs$RSDTC == tp$date, ]
    if (nrow(r) != 1 || r$RSORRES != tp$overall ||
        r$RSDY != dy(tp$date, en$treatment_start)) {
      tp_ok <- FALSE
    }
    if (tp$overall == "PD") n_pd <- n_pd + 1
  }
  bs <- first(cb, "baseline_scan")
  for (l in bs$target) {
    t <- tr[tr$USUBJID == u & tr$TRLNKID == l$id & tr$TRTESTCD == "LDIAM" &
              tr$TRDTC == bs$date, ]
    if (nrow(t) != 1 || abs(t$TRSTRESN - l$viable_mm) > 1e-9 ||
        t$TRLOBXFL != "Y") {
      bl_ok <- FALSE
    }
  }
}
res(tp_ok && n_tp > 0, sprintf(
  "RS: each scan's overall response and study day (%d scans)", n_tp))
res(n_pd > 0 && sum(rs$RSTESTCD == "OVRLRESP" & rs$RSORRES == "PD") == n_pd,
    sprintf("RS: the PD scans say PD (%d)", n_pd))
res(bl_ok, "TR: the baseline viable diameters, flagged before exposure")
n_eos <- sum(vapply(cbs, function(cb) length(recs(cb, "end_of_study")), 0))
res(sum(ds$DSCAT == "DISPOSITION EVENT" & ds$DSDECOD != "SCREEN FAILURE") ==
      n_eos + sum(vapply(cbs, function(cb)
        length(recs(cb, "death")) > 0 && length(recs(cb, "end_of_study")) == 0,
        TRUE)),
    sprintf("DS: one disposition event an end of study (%d)", n_eos))
alb_ok <- TRUE
for (cb in cbs) {
  g <- cb$derived$eligibility$albi_grade
  q <- suppdm[suppdm$USUBJID == usub[[cb$patient$code]] &
                suppdm$QNAM == "ALBIGR", ]
  if (is.null(g)) {
    if (nrow(q) != 0) alb_ok <- FALSE
  } else if (nrow(q) != 1 || q$QVAL != as.character(g)) {
    alb_ok <- FALSE
  }
}
res(alb_ok, "SUPPDM: ALBI grade as derived at screening")
