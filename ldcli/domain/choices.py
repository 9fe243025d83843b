"""The closed sets of values the rules know, in one module with no imports, so that the command line
can offer them as choices without loading the rules themselves (start-up time)."""

PERSON_KINDS = ("officer", "staff", "special", "volunteer", "contractor")
EMPLOYMENTS = ("permanent", "fixed_term")
PLACEMENT_TYPES = ("work_experience", "internship", "apprenticeship")
PLACEMENT_STATUSES = ("applied", "accepted", "declined", "in_progress", "completed", "terminated", "withdrawn")
VETTING = ("pending", "cleared", "failed")
LEAVE_REASONS = ("resignation", "dismissal", "retirement", "transfer", "redundancy", "death_in_service",
                 "fixed_term_end", "other")
CATEGORIES = ("bespoke", "project_management", "masters", "conference", "short_course", "office_wide",
              "professional_fee", "apprenticeship", "undergraduate")
GROUNDS = ("job_requirement", "student")  # a professional fee's ground (seed 001 §42)
REQUEST_STATUSES = ("draft", "submitted", "approved", "declined", "in_progress", "completed", "withdrawn")
LEADER_ROLES = ("leader", "deputy", "commander")
SHIFT_KINDS = ("duty", "rest", "leave", "training", "court", "sick")
