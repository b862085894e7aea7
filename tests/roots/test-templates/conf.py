extensions = ["sphinx_cjm"]
project = "Templates"
show_warning_types = True
cjm_stage_templates = {
    "b2b": ["Lead", "Pilot order", {"id": "contract", "title": "Annual contract"}],
}
