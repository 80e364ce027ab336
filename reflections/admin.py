"""Nothing from this app is in the Django admin, on purpose: operators never read journals
(DESIGN.md). Prompts posed to a set are set content, so they stay out too."""
