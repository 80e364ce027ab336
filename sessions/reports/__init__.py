"""Programme reports: attendance rates per set and per member (attendance.py) and the chart of
attendance per set per month (chart.py). Attendance only: never a word of what was said."""
