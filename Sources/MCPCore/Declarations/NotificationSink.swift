/// Where a request's notifications (progress, log messages) go while it runs: the request's SSE
/// stream on HTTP, stdout on stdio. Implementations drop messages once the request has answered.
public protocol NotificationSink: Sendable {
    /// Sends one complete JSON-RPC notification.
    func send(_ message: [UInt8]) async
}
