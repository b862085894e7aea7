extensions = ["sphinx_cjm"]
project = "Lanes and languages"
show_warning_types = True
cjm_lanes = {
    "choice-factors": {"en": "Choice factors", "ru": "Факторы выбора"},
    "duration": "Stage duration",
}
cjm_channels = {"web": "online", "phone": "offline", "word-of-mouth": "offline"}
cjm_lint = ["stage-without-kpi"]
