"""The words of the editor's Metrics section and of ranking by a metric
(``static/js/ui/panel-metrics.js``, ``static/js/editor/metric-ranking.js``),
handed to the scripts with the editor's other strings."""

from __future__ import annotations

from django.utils.translation import gettext as _


def metric_strings() -> dict[str, str]:
    return {
        "metricsTitle": _("Metrics"),
        "metricsNone": _("No measurements yet."),
        "metricsLoading": _("Loading the metrics…"),
        "metricsFailed": _("The metrics could not be loaded; try again."),
        "metricsLatest": _("%(value)s in %(period)s"),
        "metricsPoint": _("%(period)s: %(value)s"),
        "metricsPoints": _("%(count)s periods, from %(first)s to %(last)s"),
        "metricsUpload": _("Upload a CSV…"),
        "metricsUploadHint": _("Columns: metric, period (YYYY-MM or YYYY-MM-DD) and value; a touchpoint column "
                               "(and stage) to fill several touchpoints at once."),
        "metricsUploading": _("Uploading…"),
        "metricsUploaded": _("%(count)s values stored; %(touchpoints)s touchpoints updated."),
        "metricsUploadedOne": _("%(count)s values stored; the touchpoint was updated."),
        "metricsUploadedNone": _("%(count)s values stored; the latest values were already up to date."),
        "metricsUploadFailed": _("Nothing was stored: %(message)s"),
        "metricsUploadError": _("The upload failed; check your connection and try again."),
        "byMetric": _("By metric"),
        "rankMetric": _("Metric to rank by"),
        "rankLowestFirst": _("Lowest first"),
        "rankHighestFirst": _("Highest first"),
        "rankNoValues": _("No touchpoint has a value for this metric yet."),
    }
