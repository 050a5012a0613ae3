# Reads the exports of one study with R's readers and compares every value
# with the CSV export (tests/validation/exports.sh).  Prints "ok NAME" or
# "FAIL NAME: why" per check.
#   Rscript readers.R DIR
# Numbers: equal within 1e-12 relative (XPORT stores IBM doubles), missing
# in the same places.  Strings: equal, an empty CSV field and a reader's ""
# or NA being the same missing string.
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
prefix <- ""
res <- function(name, ok, why = "") {
  name <- paste0(prefix, name)
  if (isTRUE(ok)) cat("ok", name, "\n") else cat("FAIL ", name, ": ", why, "\n", sep = "")
}
for (p in c("haven", "foreign")) {
  if (!requireNamespace(p, quietly = TRUE)) {
    res(paste("R package", p), FALSE, "not installed (scripts/deps.sh test)")
    quit(status = 0)
  }
}
# Every dataset of the export: each NAME.csv with its NAME_dictionary.csv
# against NAME.xpt, NAME.dta and NAME.sav.
check_dataset <- function(stem) {
  dict <- read.csv(file.path(dir, paste0(stem, "_dictionary.csv")), stringsAsFactors = FALSE)
  classes <- ifelse(dict$type == "numeric", "numeric", "character")
  csv <- read.csv(file.path(dir, paste0(stem, ".csv")), colClasses = classes, na.strings = "",
                  stringsAsFactors = FALSE, encoding = "UTF-8")
  res("dictionary names the CSV columns", identical(names(csv), dict$name))
  res("names <= 8 characters, upper case",
      all(nchar(dict$name) <= 8 & dict$name == toupper(dict$name)))
  res("labels <= 40 characters", all(nchar(dict$label) <= 40))
  res("CSV has rows", nrow(csv) >= 1, nrow(csv))

  same <- function(reader, x, labels = TRUE) {
    x <- as.data.frame(x, stringsAsFactors = FALSE)
    if (!identical(toupper(names(x)), dict$name)) {
      res(paste(reader, "variable names"), FALSE, paste(names(x), collapse = ","))
      return(invisible())
    }
    res(paste(reader, "variable names"), TRUE)
    res(paste(reader, "rows"), nrow(x) == nrow(csv), nrow(x))
    bad <- character(0)
    for (j in seq_along(dict$name)) {
      a <- csv[[j]]
      b <- x[[j]]
      # haven reads a DATE9. variable (ADaM --DT) as an R Date (days since
      # 1970-01-01); the CSV holds the SAS date (days since 1960-01-01).
      if (inherits(b, "Date")) b <- as.numeric(b) + 3653
      attributes(b) <- NULL
      if (dict$type[j] == "numeric") {
        ok <- is.numeric(b) && identical(is.na(a), is.na(b)) &&
          all(abs(a - b) <= 1e-12 * pmax(1, abs(a)), na.rm = TRUE)
      } else {
        a[is.na(a)] <- ""
        b <- as.character(b)
        b[is.na(b)] <- ""
        ok <- identical(a, sub(" +$", "", b))
      }
      if (!ok) bad <- c(bad, dict$name[j])
    }
    res(paste(reader, "every value equals the CSV"), length(bad) == 0,
        paste(bad, collapse = ","))
    if (labels) {
      lab <- vapply(x, function(v) {
        l <- attr(v, "label"); if (is.null(l)) "" else l
      }, "")
      res(paste(reader, "labels"), identical(unname(lab), dict$label),
          paste(dict$name[unname(lab) != dict$label], collapse = ","))
    }
  }
  hx <- haven::read_xpt(file.path(dir, paste0(stem, ".xpt")))
  same("haven::read_xpt", hx)
  if (stem == "adsl") {
    dates <- c("TRTSDT", "TRTEDT", "DTHDT", "EOSDT", "LSTALVDT")
    res("haven::read_xpt reads the DATE9. variables as dates",
        all(vapply(dates, function(v) inherits(hx[[v]], "Date"), TRUE)))
  }
  same("foreign::read.xport", foreign::read.xport(file.path(dir, paste0(stem, ".xpt"))),
       labels = FALSE)
  lk <- foreign::lookup.xport(file.path(dir, paste0(stem, ".xpt")))
  res("foreign::lookup.xport member name", identical(names(lk), toupper(stem)))
  res("foreign::lookup.xport labels",
      identical(sub(" +$", "", lk[[toupper(stem)]]$label), dict$label))
  same("haven::read_dta", haven::read_dta(file.path(dir, paste0(stem, ".dta"))))
  same("haven::read_sav", haven::read_sav(file.path(dir, paste0(stem, ".sav"))))
}
stems <- sub("_dictionary[.]csv$", "", list.files(dir, pattern = "_dictionary[.]csv$"))
res("datasets found (ADSL and the SDTM domains)", "adsl" %in% stems && "dm" %in% stems && length(stems) >= 10,
    paste(stems, collapse = ","))
for (stem in stems) {
  prefix <- paste0(toupper(stem), ": ")
  check_dataset(stem)
}
