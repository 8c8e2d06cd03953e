import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import MCPCore
import NIOCore
import NIOHTTP1

/// Turns every HTTP request into a routed response: mints or accepts the request id, builds
/// the context, asks the router, stamps the request id, writes the answer, then counts it and
/// writes the access-log line. (`Date` and the security headers are stamped on every answer by
/// ``ResponseHeadWriter``, those Hummingbird writes itself included.)
struct HTTPResponderGlue: Sendable {
    let responder: RouterResponder<MCPRequestContext>
    let configuration: HTTPConfiguration
    let status: ServerStatus
    /// This worker's seat in the accept-balance table (none until it accepts, or without one).
    let seat: BalanceSeatHolder
    let logger: Logger
    /// Write access-log lines: asked for, and at a level the logger lets through.
    let accessLog: Bool
    let metrics: Bool
    /// Where access lines go: the log handler's own fast path when it has one (the runtime's
    /// console handler renders them straight to its buffer), else an `info` record.
    let accessWriter: any AccessLogWriter

    init(
        responder: RouterResponder<MCPRequestContext>, configuration: HTTPConfiguration, status: ServerStatus,
        seat: BalanceSeatHolder = BalanceSeatHolder(), logger: Logger, accessLog: Bool, metrics: Bool
    ) {
        self.responder = responder
        self.configuration = configuration
        self.status = status
        self.seat = seat
        self.logger = logger
        self.accessLog = accessLog
        self.metrics = metrics
        self.accessWriter =
            (logger.handler as? any AccessLogCapableHandler)?.accessLogWriter() ?? LoggerAccessLogWriter(logger: logger)
    }

    /// Header fields an answer gets here after the route's: the request id and, while draining
    /// or crowded, `Connection` (``ResponseHeadWriter`` writes `Date` and the security headers as
    /// bytes).
    static let addedFields = 2
    /// The field stamped here, replaced when a route set it.
    static let stampedNames: [HTTPField.Name] = [.requestID]

    func respond(_ request: Request, _ writer: consuming ResponseWriter, _ channel: any Channel) async throws {
        let started = ContinuousClock.now
        let requestID = RequestIDs.accept(request.headers.value(of: .requestID)) ?? RequestIDs.mint()
        var requestLogger = logger
        requestLogger[metadataKey: "request.id"] = .string(requestID)
        let record = RequestRecord()
        record.update { $0.requestID = requestID }
        let context = MCPRequestContext(
            source: MCPContextSource(
                channel: channel, logger: requestLogger, record: record, maxUploadSize: configuration.maxBodySize))
        var response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as HTTPParserError {
            throw error
        } catch let error as any HTTPResponseError {
            response = HTTPMessages.problem(error.status, error.status.reasonPhrase)
        } catch {
            requestLogger.error("request failed", metadata: ["error.type": "\(String(describing: type(of: error)))"])
            response = HTTPMessages.problem(.internalServerError, "internal error")
        }
        if response.headers.contains(anyOf: Self.stampedNames) {
            response.headers[.requestID] = requestID
        } else {
            response.headers.append(HTTPField(name: .requestID, value: requestID))
        }
        if status.phase == .draining {
            // The client's next connection goes to a worker that stays.
            response.headers[.connection] = "close"
        } else if seat.shouldHandBack() {
            // Holding far more connections than a sibling (one that replaced a recycled worker
            // starts with none; one connection per 10 ms): the client opens its next
            // connection, which the accept balance gives to the sibling.
            response.headers[.connection] = "close"
            if metrics { HTTPMetrics.connectionHandedBack() }
        }
        if accessLog {
            if let length = response.body.contentLength {
                record.update { $0.bytesOut = length }
            } else {
                response.body = response.body.map { buffer in
                    record.update { $0.bytesOut += buffer.readableBytes }
                    return buffer
                }
            }
        }
        let code = response.status.code
        let isMCP = request.uri.path == configuration.mcpPath
        do {
            try await writer.write(response: response.head, body: response.body)
        } catch is HTTPParserError {
            status.record(failed: true, mcp: isMCP)
            throw HTTPParserErrorWhileWriting()
        } catch {
            // The client went away while the answer was streaming (it closed an SSE stream): the
            // request still happened, so it is counted and logged with the status it was sent.
            account(request, code: code, isMCP: isMCP, started: started, record: record, channel: channel)
            throw error
        }
        account(request, code: code, isMCP: isMCP, started: started, record: record, channel: channel)
        if code == 413 {
            // Stop reading what is left of an oversized body: the connection ends after the
            // answer instead of draining megabytes nobody will use.
            try? await channel.close(mode: .input)
        }
    }

    /// Counts an answered request in the status, the metrics and the access log.
    func account(
        _ request: Request, code: Int, isMCP: Bool, started: ContinuousClock.Instant, record: RequestRecord,
        channel: any Channel
    ) {
        status.record(failed: code >= 500, mcp: isMCP)
        let values = record.values
        let nanoseconds = (ContinuousClock.now - started).inNanoseconds
        if metrics {
            HTTPMetrics.record(
                method: request.method.rawValue, route: values.route, status: code, nanoseconds: nanoseconds,
                values: values)
        }
        if accessLog {
            writeAccessLog(
                request, code: code, microseconds: (nanoseconds + 500) / 1000, record: values, channel: channel)
        }
    }

    func writeAccessLog(
        _ request: Request, code: Int, microseconds: Int64, record: RequestRecord.Values, channel: any Channel
    ) {
        let remote = channel.remoteAddress
        let peer = remote?.peerText
        let client = configuration.trustedProxies.clientAddress(of: request, peer: remote, peerText: peer)
        accessWriter.write(
            AccessLogEntry(
                method: request.method.rawValue, path: LogText.clip(request.uri.path), route: record.route,
                status: code, bodyBytes: record.bytesOut, microseconds: Int(microseconds),
                requestID: record.requestID, clientAddress: client ?? "-",
                peerAddress: peer.flatMap { client != $0 ? $0 : nil },
                userAgent: request.headers.value(of: .userAgent).map { LogText.clip($0) },
                mcpMethod: record.mcpMethod.map { LogText.clip($0, limit: 64) }, toolName: record.toolName,
                era: record.era?.rawValue, sessionID: record.sessionID))
    }
}

/// The request was malformed in a way only noticed while answering; the connection closes.
struct HTTPParserErrorWhileWriting: Error {}
