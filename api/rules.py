"""Who may manage a programme's API tokens: its admins, who already see and export its
attendance (docs/confidentiality.md#who-sees-what). The API itself is reached with a token,
never a person's session (api/endpoints.py)."""

from __future__ import annotations

import rules

from sets.rules import is_programme_admin

can_manage_api_tokens = is_programme_admin

rules.add_perm("api.manage_tokens_programme", can_manage_api_tokens)
