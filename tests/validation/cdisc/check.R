# The CDISC conformance checker of tests/validation/cdisc.sh (issue 13).
#   Rscript check.R TERMS DIR TABLE [DIR TABLE ...]
# Every *.xpt file of each DIR is read with haven::read_xpt and checked
# against TABLE (tab separated: dataset variable label type length core
# codelist; one row a variable, in the standard's variable order) and the
# controlled terms of TERMS (codelist term).  A codelist "X" applies to
# every value; when TERMS also holds "X.<test code>", that list applies to
# the rows whose --TESTCD (or ADaM PARAMCD) is <test code>.
# core is Req, Exp or Perm (ADaM's Cond is accepted and checked as Perm).
# Prints one "ok ..." or "FAIL ..." line a check.
suppressPackageStartupMessages(library(haven))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3 || length(args) %% 2 != 1) {
  stop("usage: check.R TERMS DIR TABLE [DIR TABLE ...]")
}
rd <- function(f) {
  read.delim(f, sep = "\t", quote = "", colClasses = "character",
             na.strings = character(0), strip.white = FALSE)
}
terms <- do.call(rbind, lapply(strsplit(args[1], ",", fixed = TRUE)[[1]], rd))
lists <- split(terms$term, terms$codelist)

res <- function(ok, msg) {
  cat(if (isTRUE(ok)) "ok " else "FAIL ", msg, "\n", sep = "")
}
# The first few offending values, for the message.
some <- function(x) paste(utils::head(unique(x), 5), collapse = ", ")

missing_val <- function(x) {
  if (is.character(x)) is.na(x) | x == "" else is.na(x)
}

iso8601 <- paste0("^[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}(:[0-9]{2}",
                  "(:[0-9]{2}(\\.[0-9]+)?)?)?)?)?)?$")
valid_dtc <- function(x) {
  x <- x[!missing_val(x)]
  ok <- grepl(iso8601, x)
  full <- ok & nchar(x) >= 10
  ok[full] <- !is.na(as.Date(substr(x[full], 1, 10), format = "%Y-%m-%d"))
  list(ok = all(ok), bad = x[!ok])
}

check_dataset <- function(path, tab) {
  name <- toupper(sub("\\.xpt$", "", basename(path)))
  d <- read_xpt(path)
  rows <- tab[tab$dataset == name, ]
  res(nrow(rows) > 0, sprintf("%s: dataset in the table", name))
  if (nrow(rows) == 0) {
    return(invisible())
  }
  res(grepl("^[A-Z][A-Z0-9]{0,7}$", name),
      sprintf("%s: dataset name <= 8 upper case", name))
  dl <- attr(d, "label")
  res(is.null(dl) || nchar(dl, type = "bytes") <= 40,
      sprintf("%s: dataset label <= 40 (%s)", name, dl))
  vars <- names(d)
  bad <- vars[!grepl("^[A-Z][A-Z0-9_]{0,7}$", vars)]
  res(length(bad) == 0, sprintf("%s: variable names <= 8 upper case %s",
                                name, some(bad)))
  extra <- setdiff(vars, rows$variable)
  res(length(extra) == 0, sprintf("%s: no variable outside the table %s",
                                  name, some(extra)))
  req <- rows$variable[rows$core == "Req"]
  exp <- rows$variable[rows$core == "Exp"]
  absent <- setdiff(c(req, exp), vars)
  res(length(absent) == 0, sprintf("%s: every Req and Exp variable present %s",
                                   name, some(absent)))
  # SDTM: a Req variable is never null.  ADaM (IG 1.3 section 3.1): Req
  # means present, its values may be null (AGE, TRT01P of a patient never
  # enrolled); the identifiers still never are.
  never <- if (startsWith(name, "AD")) intersect(req, c("STUDYID", "USUBJID", "PARAMCD", "PARAM")) else req
  empty <- Filter(function(v) v %in% vars && any(missing_val(d[[v]])), never)
  res(length(empty) == 0, sprintf("%s: Req variables never missing %s",
                                  name, some(empty)))
  present <- rows[rows$variable %in% vars, ]
  res(identical(vars[vars %in% present$variable], present$variable),
      sprintf("%s: variables in the standard's order", name))
  lab_bad <- character(0)
  type_bad <- character(0)
  len_bad <- character(0)
  cl_bad <- character(0)
  for (i in seq_len(nrow(present))) {
    r <- present[i, ]
    x <- d[[r$variable]]
    l <- attr(x, "label")
    if (is.null(l) || nchar(l, type = "bytes") > 40 || l != r$label) {
      lab_bad <- c(lab_bad, sprintf("%s [%s]", r$variable,
                                    if (is.null(l)) "none" else l))
    }
    if ((r$type == "Char") != is.character(x) ||
        (r$type == "Num") != (is.numeric(x) || inherits(x, "Date"))) {
      type_bad <- c(type_bad, r$variable)
    }
    if (r$type == "Char" && is.character(x)) {
      fmt <- attr(x, "format.sas")
      w <- if (is.null(fmt)) NA else as.numeric(sub("^\\$", "", fmt))
      longest <- if (length(x)) max(c(0, nchar(x[!is.na(x)], "bytes"))) else 0
      if (is.na(w) || w > as.numeric(r$length) ||
          longest > as.numeric(r$length)) {
        len_bad <- c(len_bad, sprintf("%s (%s, longest %d, max %s)",
                                      r$variable, fmt, longest, r$length))
      }
    }
    if (r$codelist != "") {
      if (is.null(lists[[r$codelist]])) {
        cl_bad <- c(cl_bad, sprintf("%s: no list %s", r$variable, r$codelist))
        next
      }
      testvar <- intersect(c(paste0(substr(name, 1, 2), "TESTCD"), "PARAMCD",
                             grep("TESTCD$", vars, value = TRUE)), vars)
      tc <- if (length(testvar)) as.character(d[[testvar[1]]]) else
        rep("", length(x))
      v <- as.character(x)
      for (j in which(!missing_val(v))) {
        allowed <- lists[[paste0(r$codelist, ".", tc[j])]]
        if (is.null(allowed)) allowed <- lists[[r$codelist]]
        if (!(v[j] %in% allowed)) {
          cl_bad <- c(cl_bad, sprintf("%s=%s%s", r$variable, v[j],
                                      if (tc[j] != "") paste0(" (", tc[j], ")")
                                      else ""))
        }
      }
    }
  }
  res(length(lab_bad) == 0, sprintf("%s: labels <= 40 and as the table %s",
                                     name, some(lab_bad)))
  res(length(type_bad) == 0, sprintf("%s: types as the table %s", name,
                                      some(type_bad)))
  res(length(len_bad) == 0, sprintf("%s: Char lengths within the table %s",
                                     name, some(len_bad)))
  res(length(cl_bad) == 0, sprintf("%s: values in their codelists %s", name,
                                    some(cl_bad)))
  seqv <- grep("SEQ$", vars, value = TRUE)
  seqv <- seqv[seqv %in% rows$variable[rows$core == "Req"]]
  if (length(seqv) && "USUBJID" %in% vars) {
    key <- paste(d$USUBJID, d[[seqv[1]]])
    res(!any(duplicated(key)) && !any(is.na(d[[seqv[1]]])),
        sprintf("%s: %s unique within USUBJID", name, seqv[1]))
  }
  dtc <- grep("DTC$", vars, value = TRUE)
  dtc_bad <- character(0)
  for (v in dtc) {
    r <- valid_dtc(as.character(d[[v]]))
    if (!r$ok) dtc_bad <- c(dtc_bad, sprintf("%s=%s", v, some(r$bad)))
  }
  if (length(dtc)) {
    res(length(dtc_bad) == 0, sprintf("%s: --DTC values ISO 8601 %s", name,
                                       some(dtc_bad)))
  }
  p2 <- substr(name, 1, 2)
  dy <- intersect(vars, c(paste0(p2, c("DY", "STDY", "ENDY")), "VISITDY",
                          "ADY", "ASTDY", "AENDY"))
  dy_bad <- Filter(function(v) any(d[[v]] == 0, na.rm = TRUE), dy)
  if (length(dy)) {
    res(length(dy_bad) == 0, sprintf("%s: no study day 0 %s", name,
                                      some(dy_bad)))
  }
  invisible()
}

for (k in seq(2, length(args), by = 2)) {
  dir <- args[k]
  tab <- rd(args[k + 1])
  need <- c("dataset", "variable", "label", "type", "length", "core",
            "codelist")
  res(identical(names(tab), need), sprintf("%s: table header", args[k + 1]))
  ok_rows <- tab$type %in% c("Char", "Num") &
    tab$core %in% c("Req", "Exp", "Perm", "Cond") &
    (tab$type == "Num" | grepl("^[0-9]+$", tab$length))
  res(all(ok_rows), sprintf("%s: table rows well formed %s", args[k + 1],
                            some(tab$variable[!ok_rows])))
  files <- list.files(dir, pattern = "\\.xpt$", full.names = TRUE)
  res(length(files) > 0, sprintf("%s: XPT files exported", dir))
  got <- toupper(sub("\\.xpt$", "", basename(files)))
  lost <- setdiff(unique(tab$dataset), got)
  res(length(lost) == 0, sprintf("%s: every table dataset exported %s", dir,
                                 some(lost)))
  for (f in files) {
    check_dataset(f, tab)
  }
}
