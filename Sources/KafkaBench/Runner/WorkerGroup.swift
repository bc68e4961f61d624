#if canImport(Glibc)
import Glibc
#endif
import CSupport
import Foundation

/// The workers of one trial, multiplexed with poll(2) on the runner's thread: events in, commands out,
/// and a guaranteed end (stop, terminate, kill, reap) however the trial goes.
public final class WorkerGroup {
    public private(set) var workers: [WorkerProcess] = []
    private let decoder = JSONDecoder()
    private let encoder = JSONEncoder()

    public init() {}

    public func spawn(name: String, executable: String, arguments: [String], spec: WorkerSpec) throws {
        let w = try WorkerProcess(name: name, executable: executable, arguments: arguments)
        workers.append(w)
        let line = String(decoding: try encoder.encode(spec), as: UTF8.self)
        w.send(line)
    }

    /// Sends a command to one worker.
    public func send(_ command: RunnerCommand, to index: Int) {
        let line = String(decoding: try! encoder.encode(command), as: UTF8.self)
        if !workers[index].hasExited { workers[index].send(line) }
    }

    public func broadcast(_ command: RunnerCommand) {
        let line = String(decoding: try! encoder.encode(command), as: UTF8.self)
        for w in workers where !w.hasExited { w.send(line) }
    }

    /// Waits up to `timeoutMs` for output and returns the events that arrived, as (worker index, event).
    /// Lines that are not events (e.g. a crash trace on stdout) are kept as error events.
    public func pump(timeoutMs: Int32) -> [(Int, WorkerEvent)] {
        var fds: [pollfd] = []
        var owners: [Int] = []
        for (i, w) in workers.enumerated() {
            for fd in w.openOutputFds {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                owners.append(i)
            }
        }
        var events: [(Int, WorkerEvent)] = []
        if fds.isEmpty {
            usleep(UInt32(max(0, timeoutMs)) * 1000)
        } else {
            let n = poll(&fds, nfds_t(fds.count), timeoutMs)
            if n > 0 {
                for (k, p) in fds.enumerated() where p.revents != 0 {
                    let w = workers[owners[k]]
                    for line in w.drain(p.fd) where !line.isEmpty {
                        if let ev = try? decoder.decode(WorkerEvent.self, from: Data(line.utf8)) {
                            events.append((owners[k], ev))
                        } else {
                            var ev = WorkerEvent(event: .error)
                            ev.message = "unexpected output: \(line.prefix(200))"
                            ev.fatal = false
                            events.append((owners[k], ev))
                        }
                    }
                }
            }
        }
        for w in workers { w.reap() }
        return events
    }

    /// Ends every worker: "stop", then up to `graceMs` for them to exit on their own, then SIGKILL; always reaps.
    /// Returns the events that arrived meanwhile.
    @discardableResult
    public func shutdown(graceMs: Int) -> [(Int, WorkerEvent)] {
        var events: [(Int, WorkerEvent)] = []
        broadcast(RunnerCommand(cmd: .stop))
        let deadline = MonotonicClock.nanoseconds() + UInt64(graceMs) * 1_000_000
        while workers.contains(where: { !$0.hasExited }) && MonotonicClock.nanoseconds() < deadline {
            events += pump(timeoutMs: 20)
        }
        killAll()
        return events
    }

    /// SIGKILLs and reaps every worker still running.
    public func killAll() {
        for w in workers where !w.hasExited { w.kill() }
        for w in workers {
            w.reap(wait: true)
            w.closeStdin()
        }
    }
}
