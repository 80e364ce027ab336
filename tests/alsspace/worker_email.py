"""An email backend for the worker subprocess of test_worker_failure: Django's file backend
(every email appended to files in WORKER_EMAIL_DIR), which stalls before writing email number
WORKER_STALL_AT, touching WORKER_STALL_FLAG, so the test can kill the worker mid-send."""

import os
import time
from pathlib import Path

from django.core.mail.backends import filebased

SEPARATOR = "\n" + "-" * 79 + "\n"


def written_emails(directory):
    """The raw emails in the backend's files, in no particular order."""
    raw = (path.read_text() for path in sorted(Path(directory).iterdir()))
    return [email for text in raw for email in text.split(SEPARATOR) if email.strip()]


class StallingEmailBackend(filebased.EmailBackend):
    def __init__(self, **kwargs):
        super().__init__(file_path=os.environ["WORKER_EMAIL_DIR"], **kwargs)

    def send_messages(self, email_messages):
        stall_at = os.environ.get("WORKER_STALL_AT")
        if stall_at and len(written_emails(self.file_path)) + 1 == int(stall_at):
            Path(os.environ["WORKER_STALL_FLAG"]).touch()
            time.sleep(120)  # until the test kills this worker
        return super().send_messages(email_messages)
