import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import MCPCore
import NIOCore
import NIOHTTP1

/// Turns every HTTP request into a routed response: mints or accepts the request id, builds
/// the context, asks the router, adds the headers every response carries, writes it, then
/// counts it and writes the access-log line.
struct HTTPResponderGlue: Sendable {
    let responder: RouterResponder<MCPRequestContext>
    let configuration: HTTPConfiguration
    let status: ServerStatus
    let logger: Logger
    /// Write access-log lines: asked for, and at a level the logger lets through.
    let accessLog: Bool
    let metrics: Bool
    let dates = DateHeader()

    func respond(_ request: Request, _ writer: consuming ResponseWriter, _ channel: any Channel) async throws {
        let started = ContinuousClock.now
        let requestID = RequestIDs.accept(request.headers[.requestID]) ?? RequestIDs.mint()
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
        response.headers[.date] = dates.value
        response.headers[.requestID] = requestID
        if status.phase == .draining {
            // Draining: the client learns to open its next request elsewhere (lazy drain).
            response.headers[.connection] = "close"
        }
        SecurityHeaders.apply(to: &response.headers, tls: configuration.isTLS)
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
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if metrics {
            HTTPMetrics.record(
                method: request.method.rawValue, route: values.route, status: code, seconds: seconds, values: values)
        }
        if accessLog { writeAccessLog(request, code: code, seconds: seconds, record: values, channel: channel) }
    }

    func writeAccessLog(
        _ request: Request, code: Int, seconds: Double, record: RequestRecord.Values, channel: any Channel
    ) {
        let milliseconds = seconds * 1000
        var metadata: Logger.Metadata = [
            "http.request.method": .string(request.method.rawValue),
            "url.path": .string(LogText.clip(request.uri.path)),
            "http.route": .string(record.route),
            "http.response.status_code": .stringConvertible(code),
            "http.response.body.size": .stringConvertible(record.bytesOut),
            "duration_ms": .string(String(format: "%.3f", milliseconds)),
            "request.id": .string(record.requestID),
        ]
        let peer = channel.remoteAddress?.ipAddress
        let client = configuration.trustedProxies.clientAddress(of: request, peer: peer)
        metadata["client.address"] = .string(client ?? "-")
        if let peer, client != peer { metadata["network.peer.address"] = .string(peer) }
        if let agent = request.headers[.userAgent] { metadata["user_agent.original"] = .string(LogText.clip(agent)) }
        if let method = record.mcpMethod { metadata["mcp.method.name"] = .string(LogText.clip(method, limit: 64)) }
        if let tool = record.toolName { metadata["mcp.tool.name"] = .string(tool) }
        if let era = record.era { metadata["mcp.era"] = .string(era.rawValue) }
        if let session = record.sessionID { metadata["mcp.session.id"] = .string(session) }
        logger.info("access", metadata: metadata)
    }
}

/// The request was malformed in a way only noticed while answering; the connection closes.
struct HTTPParserErrorWhileWriting: Error {}
