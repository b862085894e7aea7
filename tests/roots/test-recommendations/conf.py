extensions = ["sphinx_cjm"]
project = "Recommendations"
show_warning_types = True
cjm_lint = ["barrier-without-solution", "emotion-without-evidence", "recommendation-without-owner"]
