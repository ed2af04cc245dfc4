using Mlobs.Query.PromQl.Engine;
using Mlobs.Storage;

namespace Mlobs.Appliance.Http;

/// <summary>
/// Everything the HTTP layer reads, each as a narrow interface (as Prometheus's web/api/v1 API struct holds its
/// retrievers): the composition root passes the running components, tests pass fakes or real parts in a temp dir.
/// </summary>
public sealed record ApiSources(
    ILifecycle Lifecycle,
    IStatusRetriever Status,
    ITargetRetriever Targets,
    IRulesRetriever Rules,
    IMetadataRetriever Metadata,
    IQueryableStorage Storage,
    IQueryEngine Engine,
    ILogSource Logs,
    IAlertmanagerSource Alertmanager,
    IDashboardSource Dashboards,
    IPushSource Push,
    IDriftSource Drift);
