# Oracle for the weighted figures API (test/integration/analysis/weighted-oracle.test.ts): R's
# survey package on the responses as the app exports them, weighted as the app was told to.
#   Rscript test/oracles/weighted-figures.R export.csv spec.json      prints JSON on stdout
# export.csv: the wave's responses export (UTF-8 with a BOM), with its `weight` column.
# spec.json: { methods: ["design", "poststratify", "rake"],
#              targets: { poststratify: { var: { cat: percent } }, rake: { var: {..}, var2: {..} } },
#              share: { question, options }, mean: column, filter: { question, values },
#              columns: [{ question, value }], chisq_by: question }
# For each method: svydesign(ids = ~1, weights = ~weight), then postStratify or rake to the
# targets (as shares of the design-weighted total), then
#   svymean of the share question's options and svyciprop(method = "beta") of each, and svymean
#   of the mean column with confint(df = degf), on the wave, the filter and each crosstab column
#   (each a subset of the calibrated design: the domains of the app's figures);
#   svychisq(~share + chisq_by, statistic = "F") on the wave (Rao-Scott, the crosstab's test).
suppressMessages({ library(survey); library(jsonlite) })

args <- commandArgs(trailingOnly = TRUE)
rows <- read.csv(args[[1]], fileEncoding = "UTF-8-BOM", na.strings = "", stringsAsFactors = FALSE, check.names = FALSE, colClasses = "character")
spec <- fromJSON(args[[2]], simplifyVector = TRUE)

rows$weight <- as.numeric(rows$weight)
share_q <- spec$share$question
rows$share <- factor(rows[[share_q]], levels = spec$share$options)
# "dont_know" and unanswered rows are not in a mean's base.
rows$value <- suppressWarnings(as.numeric(rows[[spec$mean]]))
rows$in_filter <- !is.na(rows[[spec$filter$question]]) & rows[[spec$filter$question]] %in% spec$filter$values
rows$by <- rows[[spec$chisq_by]]
base <- svydesign(ids = ~1, weights = ~weight, data = rows)

totals_for <- function(v, targets) {
  shares <- unlist(targets[[v]]) / sum(unlist(targets[[v]]))
  t <- data.frame(cat = names(shares), Freq = as.vector(shares) * sum(rows$weight), stringsAsFactors = FALSE)
  names(t)[1] <- v
  t
}

design_for <- function(method) {
  if (method == "design") return(base)
  targets <- spec$targets[[method]]
  vars <- names(targets)
  if (method == "poststratify") return(postStratify(base, as.formula(paste0("~", vars[[1]])), totals_for(vars[[1]], targets)))
  rake(base, lapply(vars, function(v) as.formula(paste0("~", v))), lapply(vars, function(v) totals_for(v, targets)),
       control = list(maxit = 2000, epsilon = 1e-14))
}

# A subset of a calibrated design keeps its other rows with weight 0 (and their NAs): na.rm.
domain_figures <- function(des, keep) {
  answered <- subset(des, keep & !is.na(share))
  s <- svymean(~share, answered, na.rm = TRUE)
  options <- lapply(seq_along(spec$share$options), function(k) {
    option <- spec$share$options[[k]]
    p <- svyciprop(as.formula(paste0("~I(share == '", option, "')")), answered, method = "beta", na.rm = TRUE)
    list(proportion = unname(coef(s))[[k]], se = unname(SE(s))[[k]], ci95 = unname(as.vector(attr(p, "ci"))))
  })
  names(options) <- spec$share$options
  with_value <- subset(des, keep & !is.na(value))
  m <- svymean(~value, with_value, na.rm = TRUE)
  list(
    options = options,
    mean = list(mean = unname(coef(m))[[1]], se = as.vector(SE(m))[[1]], ci95 = unname(as.vector(confint(m, df = degf(with_value)))))
  )
}

figures_of <- function(des) {
  chi <- svychisq(~share + by, update(des, share = droplevels(share), by = factor(by)), statistic = "F")
  list(
    wave = domain_figures(des, rep(TRUE, nrow(rows))),
    filter = domain_figures(des, rows$in_filter),
    columns = lapply(seq_len(nrow(spec$columns)), function(j) {
      question <- spec$columns$question[[j]]
      domain_figures(des, !is.na(rows[[question]]) & rows[[question]] == spec$columns$value[[j]])
    }),
    chisq = list(f = unname(chi$statistic), ndf = unname(chi$parameter[["ndf"]]), ddf = unname(chi$parameter[["ddf"]]), p = unname(chi$p.value))
  )
}

result <- lapply(spec$methods, function(m) figures_of(design_for(m)))
names(result) <- spec$methods
cat(toJSON(result, digits = NA, auto_unbox = TRUE))
