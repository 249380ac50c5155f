"""Self-checks for the JupyterLite practice notebooks: pure Python, no eolab.

:mod:`eonb_book.lite` appends to each lesson's practice notebook a
"Check yourself" section: one cell defining :data:`HELPER` (a ``feedback``
function of a few lines) and, per lesson, a task with a ``check_...``
function that recomputes the expected value from the practice notebook's own
variables and names the usual mistakes (Kelvin, the wrong baseline, cloudy
observations counted as dry, a fraction instead of percent, ...).  The
learner's answer starts as ``...``: run top to bottom, the check says what to
do; with a number it says "Right" or names the mistake.  Nothing here needs
``eolab``, so it runs in Pyodide.
"""

from __future__ import annotations

HELPER = '''\
# Check yourself: pure Python, runs in the browser (no eolab needed).
def feedback(answer, expected, tolerance, unit="", mistakes=()):
    """Print "Right", the likely mistake, or what was compared. Returns True if right."""
    if answer is ...:
        print("Replace ... with your answer (a number), then run this cell again.")
        return None
    answer = float(answer)
    if abs(answer - expected) <= tolerance:
        print(f"Right: {answer:g} {unit} (within {tolerance:g} {unit}).")
        return True
    for value, why in mistakes:
        if abs(answer - value) <= tolerance:
            print("Not quite: " + why)
            return False
    print(f"Not quite: I compared {answer:g} {unit} with the expected value "
          f"(± {tolerance:g} {unit}) "
          "and with the usual mistakes; it matches none. Check each step.")
    return False
'''

# docname -> (task in Markdown, check cell).  The check cell defines expected_answer(),
# mistakes() (value, why) and check_answer(answer), and checks the learner's ``my_answer``.
CHECKS: dict[str, tuple[str, str]] = {
    "book/lesson1-notebooks-sst": (
        "**Your turn.** What was the plain (unweighted) Niño-3.4 index of December 2009, in °C? "
        "Set `my_answer` to the number you read, then run the cell.",
        """\
def expected_answer():
    return float(index.sel(time="2009-12")[0])

def mistakes():
    expected = expected_answer()
    return [
        (expected + 273.15, "that is in kelvin; the index is an anomaly in °C."),
        (float(box.sel(time="2009-12")[0]),
         "that is the box's SST itself; the index is its anomaly "
         "(minus the month's mean)."),
        (-expected, "the sign is flipped: December 2009 was an El Niño, warmer than normal."),
    ]

def check_answer(answer):
    return feedback(answer, expected_answer(), 0.05, "°C", mistakes())

my_answer = ...   # your answer, °C
check_answer(my_answer)""",
    ),
    "book/lesson2-no2-lockdown": (
        "**Your turn.** By how many percent did the (synthetic) NO₂ change between `before` and "
        "`during`? Set `my_answer` (a fall is negative).",
        """\
def expected_answer():
    return 100 * (during.mean() / before.mean() - 1)

def mistakes():
    expected = expected_answer()
    return [
        (-expected, "a fall is a negative change: during / before − 1."),
        (100 * (before.mean() / during.mean() - 1), "you divided by the wrong window: the baseline "
         "(`before`) goes in the denominator."),
        (expected / 100, "that is a fraction; multiply by 100 for percent."),
    ]

def check_answer(answer):
    return feedback(answer, expected_answer(), 0.5, "%", mistakes())

my_answer = ...   # your answer, %
check_answer(my_answer)""",
    ),
    "book/lesson2-biomass-shapefiles": (
        "**Your turn.** How much carbon (Mg C) do the four toy pixels hold, with the IPCC carbon "
        "fraction 0.47? Set `my_answer`.",
        """\
def expected_answer():
    return 0.47 * float(toy_biomass)

def mistakes():
    expected = expected_answer()
    return [
        (float(toy_biomass), "that is the biomass; multiply by the carbon fraction 0.47."),
        (expected * 44 / 12, "that is CO₂ (carbon × 44/12), not carbon."),
        (0.5 * float(toy_biomass), "that uses a carbon fraction of 0.5; the lesson uses 0.47."),
        (0.47 * float(toy_agb.sum()) * dy_km * dx_km * 100,
         "latitude weights forgotten: every pixel's "
         "area shrinks with cos(latitude)."),
    ]

def check_answer(answer):
    return feedback(answer, expected_answer(), 0.5, "Mg C", mistakes())

my_answer = ...   # your answer, Mg C
check_answer(my_answer)""",
    ),
    "book/lesson3-data-cube": (
        "**Your turn.** A pixel was observed clear in 40 scenes and wet in 10 of them; it was "
        "cloudy in 20 more. What is its water frequency in percent? Set `my_answer`.",
        """\
clear, wet, cloudy = 40, 10, 20

def expected_answer():
    return 100 * wet / clear

def mistakes():
    expected = expected_answer()
    return [
        (100 * wet / (clear + cloudy), "cloudy scenes counted as dry: cloudy is *not observed*, "
         "so divide by the clear observations only."),
        (wet / clear, "that is a fraction; multiply by 100 for percent."),
    ]

def check_answer(answer):
    return feedback(answer, expected_answer(), 0.1, "%", mistakes())

my_answer = ...   # your answer, %
check_answer(my_answer)""",
    ),
    "book/lesson4-pixel-access": (
        "**Your turn.** How many chunks of the *space-optimised* layout does one pixel's "
        "ten-year series touch? Set `my_answer`.",
        """\
def expected_answer():
    return chunks_touched(layouts["space"], 3653, 1, 1)

def mistakes():
    expected = expected_answer()
    return [
        (chunks_touched(layouts["time"], 3653, 1, 1), "that is the time-optimised layout's count."),
        (3653 // 32, "chunks are whole: round up (math.ceil), a partial chunk is still read."),
        (chunks_touched(layouts["compromise"], 3653, 1, 1),
         "that is the compromise layout's count."),
    ]

def check_answer(answer):
    return feedback(answer, expected_answer(), 0, "chunks", mistakes())

my_answer = ...   # your answer, chunks
check_answer(my_answer)""",
    ),
    "book/lesson5-dask": (
        "**Your turn.** What is the mean of all the values, in °C, from the running sum? Set "
        "`my_answer`.",
        """\
def expected_answer():
    return running_sum / count

def mistakes():
    expected = expected_answer()
    return [
        (float(chunk.mean()), "that is the mean of the last chunk only; divide the running sum by "
         "the count of all values."),
        (running_sum / 20, "that divides by the number of chunks, not the number of values."),
        (expected + 273.15, "that is in kelvin; the values are °C."),
    ]

def check_answer(answer):
    return feedback(answer, expected_answer(), 0.001, "°C", mistakes())

my_answer = ...   # your answer, °C
check_answer(my_answer)""",
    ),
    "book/lesson6-teaching": (
        "**Your turn.** How many of the platforms in the table work with no internet connection? "
        "Set `my_answer`.",
        """\
def expected_answer():
    return int(platforms["offline"].sum())

def mistakes():
    expected = expected_answer()
    return [
        (int((~platforms["account"]).sum()), "that counts the platforms with no account; filter on "
         "the `offline` column."),
        (len(platforms) - expected, "that counts the platforms that need a connection."),
    ]

def check_answer(answer):
    return feedback(answer, expected_answer(), 0, "platforms", mistakes())

my_answer = ...   # your answer, platforms
check_answer(my_answer)""",
    ),
}
