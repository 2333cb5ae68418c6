"""The plan as plain text, for a terminal: quarter-end pairs, the MOP options with their factors and
periods, and the recommendation (what `workshop plan` prints)."""

from __future__ import annotations

from ..plan import Plan


def plan_summary(plan: Plan) -> str:
    """A plan in a few dozen lines of text."""
    facts = plan.facts
    lines = [f"{plan.partner.name} and {plan.vendor.name}: vendor FY{plan.fiscal_year} "
             f"({facts.vendor_year_start} to {facts.vendor_year_end}), as of {plan.as_of}", "", "Quarter ends"]
    lines += [f"  {pair.vendor_quarter:<10} {pair.vendor_end}   {pair.partner_quarter:<10} {pair.partner_end}"
              f"   {pair.offset_days:+4d} days" for pair in facts.quarter_pairs]
    lines += [f"  mean offset {facts.mean_offset_days:g} days, worst {facts.worst_offset_days} days", "", "MOP options"]
    for option in sorted(plan.options, key=lambda o: -o.score):
        marker = "*" if option.strategy == plan.recommended else " "
        lines.append(f"{marker} {option.score:5.1f}  {option.strategy:<19} {option.title}")
        lines.append("         " + ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in option.factors.items()))
        lines += [f"         {period.name:<32} {period.start} to {period.end}" for period in option.periods]
    lines += ["", f"Recommended: {plan.recommendation}"]
    return "\n".join(lines)
