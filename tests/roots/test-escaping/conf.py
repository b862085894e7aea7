project = "Escaping"
extensions = ["sphinx_cjm"]
cjm_default_lanes = ["actions", "goals", "touchpoints", "emotion", "barriers", "solutions", "kpis", "owners"]
