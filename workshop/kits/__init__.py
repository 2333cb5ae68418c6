"""Kits: the one per-partner pipeline (`pipeline`), run for one partner or all (`build`, in
parallel with `pool`), with the year folder's state (`state`) and its index (`index`)."""

from __future__ import annotations

from .build import Run, build, rewrite_index, select_shard
from .index import IndexRow, index_rows, write_index
from .pipeline import Job, PartnerResult, build_partner, kit_job
from .pool import usable_cpus
from .state import kit_files, prune_partners, stale_partners, year_folder

__all__ = ["IndexRow", "Job", "PartnerResult", "Run", "build", "build_partner", "index_rows", "kit_files", "kit_job",
           "prune_partners", "rewrite_index", "select_shard", "stale_partners", "usable_cpus", "write_index", "year_folder"]
