"""The extraction rules, one module per kind of event. Pure.

`RULES` is the order in which they read each sentence.
"""

from __future__ import annotations

from monazite_producer.news.reading import Rule
from monazite_producer.news.rules.controls import export_control_rule
from monazite_producer.news.rules.funding import funding_rule
from monazite_producer.news.rules.mergers import merger_rule
from monazite_producer.news.rules.output import figure_table_rule, output_rule
from monazite_producer.news.rules.price_floors import price_floor_rule
from monazite_producer.news.rules.quotas import quota_rule
from monazite_producer.news.rules.records import record_rule
from monazite_producer.news.rules.rows import holding_row_rule, spaced_row_rule
from monazite_producer.news.rules.shares import share_rule
from monazite_producer.news.rules.stakes import (
    holding_before_after_rule,
    holding_ended_rule,
    holding_moved_rule,
    stake_rule,
)
from monazite_producer.news.rules.tables import (
    deal_table_rule,
    holding_table_rule,
    measure_table_rule,
)
from monazite_producer.news.rules.tariffs import tariff_rule
from monazite_producer.news.rules.ventures import venture_rule

RULES: tuple[Rule, ...] = (
    record_rule,
    stake_rule,
    holding_moved_rule,
    holding_before_after_rule,
    holding_ended_rule,
    holding_table_rule,
    holding_row_rule,
    deal_table_rule,
    measure_table_rule,
    merger_rule,
    venture_rule,
    funding_rule,
    export_control_rule,
    quota_rule,
    price_floor_rule,
    output_rule,
    figure_table_rule,
    spaced_row_rule,
    share_rule,
    tariff_rule,
)
