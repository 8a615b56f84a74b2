"""The full out-of-sample evaluation of the fitted hazards, recorded (not a test).

Runs leave-one-conflict-out cross-validation of every hazard on the shared panel with 1,000
bootstrap replicates (the same as ``accord evaluate --data ../shared/data/panel --json``) and
writes, under ``benchmarks/results/``:

* ``evaluate-hazards.json``: the result (``accord evaluate --json`` shape) plus the run's
  wall time, machine and the git commit it ran at;
* ``evaluate-hazards.html``: the HTML report with the reliability diagrams.

    python benchmarks/evaluate_hazards.py [--data DIR] [--bootstrap N]

The numbers in the README's "Evidence: hazards calibrated on many conflicts" come from this file.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from accord.analysis.calibration import git_commit  # noqa: E402
from accord.analysis.evaluate import evaluate  # noqa: E402
from accord.analysis.panel import build_panel  # noqa: E402
from accord.analysis.storage import sha256_file, write_json_atomic  # noqa: E402
from accord.models import hazards  # noqa: E402
from accord.reports.evaluation import write_evaluation  # noqa: E402

FILES = {"ucdp": "ucdp_prio_acd_v25_1.csv", "nmc": "cow_nmc_v6_0_abridged.csv", "pax": "pax_agreements.csv"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "panel")
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args()
    t0 = time.perf_counter()
    panel = build_panel(*(args.data / FILES[k] for k in ("ucdp", "nmc", "pax")))
    result = evaluate(panel.frame, bootstrap=args.bootstrap, seed=args.seed, progress=lambda n: print(n, flush=True))
    table = hazards.default_table()
    result["coefficients"] = {
        "table": f"accord.models/{hazards.SHIPPED}",
        "sha256": sha256_file(Path(hazards.__file__).parent / hazards.SHIPPED),
        "commit": table.meta.get("fit", {}).get("commit"),
        "spec_version": hazards.SPEC_VERSION,
    }
    result["data"] = panel.sources
    result["run"] = {
        "wall_s": round(time.perf_counter() - t0, 1),
        "command": "python benchmarks/evaluate_hazards.py " + " ".join(sys.argv[1:]),
        "git": git_commit(ROOT),
        "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs, {platform.system()}, "
        f"Python {platform.python_version()}",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(args.out / "evaluate-hazards.json", result)
    write_evaluation(result, args.out / "evaluate-hazards.html")
    for name, o in result["outcomes"].items():
        print(
            f"{name:14s} n={o['n']:5d} events={o['events']:4d} AUC={o['auc']:.3f} {o['auc_ci']} "
            f"Brier={o['brier']:.4f} skill(base)={o['brier_skill_base_rate']:+.3f} {o['brier_skill_base_rate_ci']} "
            f"skill(persistence)={o['brier_skill_persistence']:+.3f}"
        )
    print(f"wall {result['run']['wall_s']} s; wrote {args.out / 'evaluate-hazards.json'}")


if __name__ == "__main__":
    main()
