"""What a reader can work out from published figures by adding and subtracting them: each
figure is a linear form over unknown parts (a dict of part → coefficient), and a figure is
worked out when its form is a linear combination of the published ones. Exact arithmetic."""

from fractions import Fraction


class Span:
    """The linear combinations of the forms added so far, kept in echelon form."""

    def __init__(self):
        self.rows = []  # (pivot, form) with the pivot eliminated from every later form

    def _reduce(self, form):
        form = {key: Fraction(value) for key, value in form.items() if value}
        for pivot, row in self.rows:
            factor = form.get(pivot)
            if factor:
                for key, value in row.items():
                    form[key] = form.get(key, 0) - factor * value
                    if not form[key]:
                        del form[key]
        return form

    def add(self, form):
        reduced = self._reduce(form)
        if reduced:
            pivot = min(reduced, key=repr)
            scale = reduced[pivot]
            self.rows.append((pivot, {key: value / scale for key, value in reduced.items()}))

    def contains(self, form):
        return not self._reduce(form)
