/// One progress object of `POST /api/pull`: `{"status":…}` with `digest`, `total` and
/// `completed` while a layer downloads; the last one is `{"status":"success"}`.
struct PullProgressLine: Encodable, Sendable {
    var status: String
    var digest: String?
    var total: Int64?
    var completed: Int64?
}
