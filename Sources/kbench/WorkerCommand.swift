import ArgumentParser
import CSupport
import Foundation
import KafkaBench

/// The hidden subcommand each worker process runs (the consumers of sweep, capacity and rebalance runs, a capacity
/// run's producers, and `kbench agent`'s workers): reads a `WorkerSpec` line and commands from
/// stdin, writes `WorkerEvent` lines to stdout. Exits as soon as stdin closes or its parent dies, so a worker
/// never outlives its runner.
struct WorkerCommand: ParsableCommand {
    /// Hidden from the help: only runners and agents start it.
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: one consumer (or capacity producer) process of a run.", shouldDisplay: false)

    /// `--librdkafka`, so a worker can be started on the same library as its runner.
    @OptionGroup var library: LibraryOptions

    /// Shows in the process list (`ps`), so a run's workers can be found; the worker does not use it otherwise.
    @Option(help: "Run id (lets tests and operators find a run's processes).") var runId: String = ""

    /// Sets the parent-death signal (exiting at once if the parent is already gone), ignores SIGINT (the runner ends
    /// its workers itself), reads the spec, starts the stdin reader thread (whose EOF exits the process), and runs the
    /// consumer loop or the producer on this thread. Always ends with `_exit`: 0 when done, 1 after reporting a fatal
    /// error.
    func run() throws {
        _ = kbench_set_parent_death_signal()
        if getppid() == 1 { _exit(0) }
        signal(SIGINT, SIG_IGN)
        guard let line = readLine() else {
            throw RunError("the worker expects a WorkerSpec JSON line on stdin; it is started by 'kbench sweep' and 'kbench rebalance'")
        }
        let spec: WorkerSpec
        do { spec = try JSONDecoder().decode(WorkerSpec.self, from: Data(line.utf8)) } catch {
            throw RunError("the worker's spec line is not a valid WorkerSpec: \(error)")
        }
        let inbox = WorkerInbox()
        let reader = Thread {
            let decoder = JSONDecoder()
            while let line = readLine() {
                if let command = try? decoder.decode(RunnerCommand.self, from: Data(line.utf8)) { inbox.deliver(command) }
            }
            _exit(0)  // the runner closed our stdin or died: stop at once
        }
        reader.start()
        let encoder = JSONEncoder()
        let emit: (WorkerEvent) -> Void = { event in
            // an event that cannot be encoded must not vanish: the runner gets an error in its place
            guard var data = try? encoder.encode(event) else {
                FileHandle.standardOutput.write(Data("{\"event\":\"error\",\"t\":0,\"message\":\"cannot encode a \(event.event.rawValue) event\"}\n".utf8))
                return
            }
            data.append(0x0A)
            FileHandle.standardOutput.write(data)
        }
        do {
            let fault = ProcessInfo.processInfo.environment[InjectedFault.environmentVariable].flatMap(InjectedFault.init(parsing:))
            if spec.mode == .produce {
                guard let plan = spec.production else { throw RunError("a produce spec needs a production plan") }
                try ProducerWorker(plan: plan, inbox: inbox, fault: fault, emit: emit).run()
            } else {
                try ConsumerLoop(spec: spec, inbox: inbox, fault: fault, emit: emit).run()
            }
        } catch {
            var ev = WorkerEvent(event: .error)
            ev.message = "\(error)"
            ev.fatal = true
            emit(ev)
            _exit(1)
        }
        _exit(0)
    }
}
