# Oracle for server/analysis/design: R's survey package on one data set, every figure in one run.
#   Rscript test/oracles/design.R data.json      prints JSON on stdout
# data.json: { rows: [{ d, a, b, y, col, f, num }], weighting: { variables: [..], targets: { var: { cat: percent } } },
#              methods: ["none", "poststratify", "rake"] }
# a, b: weighting variables (null = unanswered: post-stratification keeps it as its own stratum
# whose total is its design-weighted total, which is what "unknown keeps its weight" means; raking
# cannot express it, so the rake method is only asked for data sets without unknowns).
# y: single choice (null = not answered), col: the crosstab's column question, f: a filter, num: a number.
suppressMessages({ library(survey); library(jsonlite) })

args <- commandArgs(trailingOnly = TRUE)
input <- fromJSON(args[[1]], simplifyVector = TRUE)
rows <- as.data.frame(input$rows, stringsAsFactors = FALSE)
UNKNOWN <- "(unknown)"
vars <- input$weighting$variables
for (v in vars) rows[[v]][is.na(rows[[v]])] <- UNKNOWN
rows$y <- factor(rows$y, levels = input$options)
rows$col <- factor(rows$col, levels = input$columns)
base <- svydesign(ids = ~1, weights = ~d, data = rows)

# Population totals from percent targets, as our calibration reads them: shares of the known
# design-weighted total, the unknown stratum keeping its own.
totals_for <- function(v) {
  shares <- unlist(input$weighting$targets[[v]]) / sum(unlist(input$weighting$targets[[v]]))
  known <- sum(rows$d[rows[[v]] != UNKNOWN])
  t <- data.frame(cat = names(shares), Freq = as.vector(shares) * known, stringsAsFactors = FALSE)
  if (any(rows[[v]] == UNKNOWN)) t <- rbind(t, data.frame(cat = UNKNOWN, Freq = sum(rows$d[rows[[v]] == UNKNOWN])))
  names(t)[1] <- v
  t
}

design_for <- function(method) {
  if (method == "none") return(base)
  if (method == "poststratify") return(postStratify(base, as.formula(paste0("~", vars[[1]])), totals_for(vars[[1]])))
  margins <- lapply(vars, function(v) as.formula(paste0("~", v)))
  # Margins as totals of the whole design-weighted sample (no unknowns here).
  pops <- lapply(vars, function(v) totals_for(v))
  rake(base, margins, pops, control = list(maxit = 2000, epsilon = 1e-14))
}

est <- function(s) list(estimate = as.list(unname(coef(s))), se = as.list(unname(SE(s))))

figures_of <- function(des) {
  w <- weights(des)
  answered <- subset(des, !is.na(y))
  with_num <- subset(des, !is.na(num))
  filtered <- subset(des, !is.na(y) & f == "yes")
  filtered_num <- subset(des, !is.na(num) & f == "yes")
  out <- list(
    weights = unname(w / mean(w)),
    options = est(svymean(~y, answered, na.rm = TRUE)),
    mean = est(svymean(~num, with_num, na.rm = TRUE)),
    filter_options = est(svymean(~y, filtered, na.rm = TRUE)),
    filter_mean = est(svymean(~num, filtered_num, na.rm = TRUE)),
    columns = lapply(input$columns, function(cc) {
      column <- subset(des, !is.na(y) & !is.na(col) & col == cc)
      column_num <- subset(des, !is.na(num) & !is.na(col) & col == cc)
      list(options = est(svymean(~y, column, na.rm = TRUE)), mean = est(svymean(~num, column_num, na.rm = TRUE)))
    })
  )
  first <- input$options[[1]]
  ci <- function(d) {
    p <- svyciprop(as.formula(paste0("~I(y == '", first, "')")), d, method = "beta", na.rm = TRUE)
    list(estimate = as.vector(unclass(p))[[1]], ci = unname(as.vector(attr(p, "ci"))), rows = nrow(d), df = degf(d))
  }
  mean_ci <- function(d) as.list(unname(as.vector(confint(svymean(~num, d, na.rm = TRUE), df = degf(d)))))
  out$mean_ci <- mean_ci(with_num)
  out$mean_ci_filter <- mean_ci(filtered_num)
  out$ciprop <- ci(answered)
  out$ciprop_filter <- ci(filtered)
  # Observed levels only: an option nobody chose is an all-zero row of svytable, which would make
  # Pearson's X² (and so F) NaN; svychisq's own Δ already leaves it out.
  chi <- svychisq(~y + col, update(des, y = droplevels(y), col = droplevels(col)), statistic = "F")
  out$chisq <- list(
    f = unname(chi$statistic), ndf = unname(chi$parameter[["ndf"]]), ddf = unname(chi$parameter[["ddf"]]),
    p = unname(chi$p.value)
  )
  out
}

result <- lapply(input$methods, function(m) figures_of(design_for(m)))
names(result) <- input$methods
cat(toJSON(result, digits = NA, auto_unbox = TRUE))
