extensions = ["myst_parser", "sphinx_cjm"]
project = "Lanes and languages in MyST"
show_warning_types = True
language = "ru"
cjm_lanes = {
    "choice-factors": {"en": "Choice factors", "ru": "Факторы выбора"},
    "duration": "Stage duration",
}
cjm_channels = {"web": "online", "phone": "offline", "word-of-mouth": "offline"}
cjm_lint = ["stage-without-kpi"]
