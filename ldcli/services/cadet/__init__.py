"""Volunteer police cadets (SPEC §7, §9), by subject: units, cadets, leaders, activities, the board's
dashboard and the file imports. The commands call them through this package."""

from ldcli.services.cadet.activities import activity_add, activity_remove, hours
from ldcli.services.cadet.board import ageing, dashboard, growth, trend
from ldcli.services.cadet.cadets import edit, erase, join, leave, list_cadets, move, purge, show
from ldcli.services.cadet.imports import import_rows
from ldcli.services.cadet.leaders import leader_add, leader_edit, leader_erase, leader_leave, leader_rows, leader_show
from ldcli.services.cadet.units import unit, unit_add, unit_edit, unit_list

__all__ = ["activity_add", "activity_remove", "ageing", "dashboard", "edit", "erase", "growth", "hours", "import_rows",
           "join", "leader_add", "leader_edit", "leader_erase", "leader_leave", "leader_rows", "leader_show",
           "leave", "list_cadets", "move", "purge", "show", "trend", "unit", "unit_add", "unit_edit", "unit_list"]
