"""Personal data held by the traffic log: the server's record of each request.

The client's IP address and the listener cookie make a record personal data; nothing joins
a record to an account (DESIGN.md 5.3). Read by the privacy app; plain data, so nothing
here imports privacy."""

PERSONAL_DATA = {
    "traffic.AccessRecord": {
        "owner": None,
        "subjects": ["visitors"],
        "purpose": "operations",
        "legal_basis": "legitimate_interests",
        "retention": {
            "days_setting": "TRAFFIC_RETENTION_DAYS",
            "after": "time",
            "note": (
                "the day files under var/log follow the same limits (traffic_retention); "
                "before it is a record, a request's path, addresses (X-Forwarded-For "
                "included), listener cookie, Global Privacy Control signal, user agent and "
                "referrer's host wait in var/log/spool until the loader makes the record "
                "(seconds, longer while the server is saturated), and retention removes "
                "anything there older than TRAFFIC_IP_TRUNCATE_DAYS"
            ),
        },
        "fields": {
            "client_ip": {
                "category": "traffic",
                "retention": {
                    "days_setting": "TRAFFIC_IP_TRUNCATE_DAYS",
                    "after": "time",
                    "note": "only the network (IPv4 /24, IPv6 /48) is kept after that",
                },
            },
            "client_network": "traffic",
            "listener": {
                "category": "online_identifier",
                "note": "the tt_listener cookie's random value, never the session or account",
            },
            "time": "traffic",
            "request_id": "traffic",
            "method": "traffic",
            "route": "traffic",
            "path": {"category": "traffic", "note": "without the query string"},
            "status": "traffic",
            "duration_us": "traffic",
            "response_bytes": "traffic",
            "city_id": "traffic",
            "genre_id": "traffic",
            "track_id": "traffic",
            "user_agent_family": {"category": "traffic", "note": "a family such as Chrome"},
            "referrer_host": {"category": "traffic", "note": "the host only, no path"},
        },
    },
}

NOT_PERSONAL = {
    "traffic.WorkerHeartbeat.name": "the name of a background worker's heartbeat",
    "traffic.RouteHour.durations": "counts of requests per duration, of a route in an hour",
    "traffic.RollupMark.rollup": "the name of the hourly rollup",
    "traffic.RollupMark.last_id": "the id of the last access record the rollup read",
}
