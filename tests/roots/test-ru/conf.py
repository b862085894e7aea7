project = "Русский"
language = "ru"
extensions = ["sphinx_cjm"]
cjm_lane_labels = {"kpis": "Метрики этапа"}
