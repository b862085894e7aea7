project = "Metrics"
extensions = ["myst_parser", "sphinx_cjm"]
myst_enable_extensions = ["colon_fence"]
cjm_metric_facts = ["data/kpi.csv"]
