"""The former name of `manage.py rotate_keys`, kept so that existing runbooks still work: it
re-encrypts journals and set content alike."""

from alsspace.management.commands.rotate_keys import Command as RotateKeys


class Command(RotateKeys):
    help = "Another name for rotate_keys: " + RotateKeys.help
