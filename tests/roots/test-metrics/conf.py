project = "Metrics"
extensions = ["sphinx_cjm"]
cjm_metric_facts = ["data/kpi.csv"]
