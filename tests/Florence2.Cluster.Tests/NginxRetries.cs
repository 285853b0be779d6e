namespace Florence2.Cluster.Tests;

/// <summary>
/// What nginx's access log (deploy/nginx/nginx.conf's <c>main</c> format) says about retries. <c>$upstream_status</c>
/// lists one status per attempt: ", " between attempts in one upstream group, " : " where the request moved on to
/// another group (the 503 retry location). A 502 or 504 before the last attempt is a connection that failed
/// (refused or timed out: a replica that is gone); a 503 there is a replica that refused the work (busy, draining).
/// </summary>
internal sealed record NginxRetries(int Requests, int RetriedRequests, int ConnectionFailures, int Refusals)
{
    private const string Field = "upstream_status=";
    private const string NextField = " urt=";

    public static NginxRetries From(IEnumerable<string> accessLog)
    {
        int requests = 0, retried = 0, connectionFailures = 0, refusals = 0;
        foreach (string line in accessLog)
        {
            int start = line.IndexOf(Field, StringComparison.Ordinal);
            if (start < 0) continue;
            start += Field.Length;
            int end = line.IndexOf(NextField, start, StringComparison.Ordinal);
            string[] attempts = line[start..(end < 0 ? line.Length : end)]
                .Split([',', ':'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            requests++;
            if (attempts.Length < 2) continue;
            retried++;
            foreach (string status in attempts[..^1])
            {
                if (status is "502" or "504") connectionFailures++;
                else if (status == "503") refusals++;
            }
        }
        return new NginxRetries(requests, retried, connectionFailures, refusals);
    }

    public override string ToString() =>
        $"nginx_requests={Requests} nginx_retried={RetriedRequests} retries_after_connection_failure={ConnectionFailures} retries_after_503={Refusals}";
}
