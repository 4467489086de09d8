"""Labels of the land-use rules section of the Plans & records page (`ui.panels.rules_section`) in
Chinese and English; merged into `ui.i18n.LABELS`."""

from __future__ import annotations

RULE_LABELS: dict[str, tuple[str, str]] = {
    "rec_sec_rules": ("用地指标规则", "Land-use rules"),
    "layer_indicator_rules": ("用地指标规则", "Land-use rules"),
    "rule_intro": ("每条规则都是数据并注明出处：指标、比较、数值，适用的规划与园区类型（* 为全部）。园区“检查”部分按这些规则判定达标与否。",
                   "Each rule is data with its citation: indicator, comparison and value, for the parks of a plan and "
                   "kind (* for any). The park's inspection judges its indicators against these rules."),
    "rec_new_rule": ("＋ 新建规则", "+ New rule"),
    "rule_col_plan": ("规划", "Plan"),
    "rule_col_kind": ("园区类型", "Park kind"),
    "rule_col_indicator": ("指标", "Indicator"),
    "rule_col_rule": ("规则", "Rule"),
    "rule_col_quote": ("原文", "Quote"),
    "rule_col_source": ("出处", "Source"),
    "rule_any_plan": ("*（所有规划）", "* (any plan)"),
    "rule_any_kind": ("*（所有类型）", "* (any kind)"),
    "rule_f_programme": ("适用规划", "Plan it applies to"),
    "rule_f_park_kind": ("适用园区类型", "Kind of park it applies to"),
    "rule_f_indicator": ("指标", "Indicator"),
    "rule_f_op": ("比较", "Comparison"),
    "rule_f_value": ("数值", "Value"),
    "rule_value_help": ("占比以 0–1 的小数填写（20 % 填 0.2）；容积率填比值（如 1.2）。",
                        "A share as a fraction between 0 and 1 (20 % is 0.2); the floor-area ratio as a ratio (e.g. 1.2)."),
    "rule_f_quote": ("规划原文", "The plan's words"),
    "rule_f_source": ("出处（文件及章节）", "Source (document and section)"),
    "rule_f_unit": ("单位", "Unit"),
    "rule_quote_help": ("规划中规定该指标的原句；与“出处”至少填一项。",
                        "The sentence of the plan that sets the rule; give it or the source (at least one)."),
    "rule_source_help": ("文件名称或文号及章节，如“中府〔2026〕1号 二、(三)”；自定规则注明所依据的文件。",
                         "The document (title or number) and section, e.g. “notice No. 1 of 2026, part 2 (3)”; an "
                         "officer's own rule cites the document it rests on."),
    "rec_ref_rule": ("用地指标规则 {name}", "land-use rule {name}"),
}
