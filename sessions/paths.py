"""Links for long tables: a path reversed once and filled in for each row."""

from django.urls import reverse

# Stands for a pk in a path reversed once, for many objects.
PK_PLACEHOLDER = 2_147_483_647


def pk_path(name):
    """reverse(name, args=[pk]) for any pk, from one call to reverse() however many pks:
    it costs more than the rest of a table row."""
    pattern = reverse(name, args=[PK_PLACEHOLDER])
    return lambda pk: pattern.replace(str(PK_PLACEHOLDER), str(pk))
