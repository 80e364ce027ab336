"""Nothing from this app is in the Django admin, on purpose: operators never read journals
(docs/confidentiality.md#the-operator-admin). Prompts posed to a set are set content, so they
stay out too."""
