#!/usr/bin/env python3
"""Stop 41's familiar-pair candidate (docs/design/suite.md, "A familiar domain: the single plan and a linear head averaged"):
scripts/candidate-plan.py familiar-pair, kept under this name for the commands docs/benchmarks/familiar-pair.md records.

Usage: scripts/familiar-pair.py RESULTS DECISIONS SPLIT [TASK,TASK...] > table.md
"""
import os
import subprocess
import sys

if __name__ == '__main__':
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.strip().splitlines()[3])
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'candidate-plan.py')
    sys.exit(subprocess.call([sys.executable, script, 'familiar-pair'] + sys.argv[1:]))
