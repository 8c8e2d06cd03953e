#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The C library's `errno` and the error numbers the package tests for. The names are the same
/// on every platform but the numbers are not (`EAGAIN` is 11 on Linux, 35 on Darwin), so callers
/// compare with these, never with literals.
package enum SystemErrno {
    /// The calling thread's `errno`, as the last failed call left it.
    package static var current: Int32 { errno }

    /// `strerror`: the C library's text for `code`.
    package static func message(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The text for the current `errno`.
    package static var currentMessage: String { message(current) }

    /// `EINTR`: a signal interrupted the call; retry it.
    package static let interrupted = EINTR
    /// `EAGAIN`: a non-blocking call would block.
    package static let tryAgain = EAGAIN
    /// `EWOULDBLOCK` (the same number as `EAGAIN` on Linux and Darwin).
    package static let wouldBlock = EWOULDBLOCK
    /// `EEXIST`.
    package static let exists = EEXIST
    /// `ENOENT`.
    package static let notFound = ENOENT
    /// `ENOTDIR`.
    package static let notADirectory = ENOTDIR
    /// `EISDIR`.
    package static let isADirectory = EISDIR
    /// `ELOOP`: a symbolic link met with `O_NOFOLLOW` (Linux, Darwin) or too many links.
    package static let symbolicLinkLoop = ELOOP
    /// `EMLINK`: what FreeBSD's `O_NOFOLLOW` answers for a link.
    package static let tooManyLinks = EMLINK
    /// `EACCES`.
    package static let accessDenied = EACCES
    /// `EPERM`.
    package static let notPermitted = EPERM
    /// `ENAMETOOLONG`.
    package static let nameTooLong = ENAMETOOLONG
    /// `ECONNREFUSED`: nobody receives on a Unix socket's path any more.
    package static let connectionRefused = ECONNREFUSED
    /// `ECONNABORTED`: a connection went away before `accept` took it.
    package static let connectionAborted = ECONNABORTED
    /// `EMFILE`: this process has no descriptor left.
    package static let processDescriptorsExhausted = EMFILE
    /// `ENFILE`: the system has no descriptor left.
    package static let systemDescriptorsExhausted = ENFILE
}
