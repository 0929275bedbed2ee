import ArgumentParser
import Foundation
import ZavaCore
import ZavaProvisioning

struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the database: the embedded PostgreSQL cluster, schema and dataset.",
        subcommands: [Init.self, Start.self, Stop.self, Status.self, Reset.self, URL.self, Migrate.self, Seed.self])

    static func embedded(_ runtime: Runtime) throws -> EmbeddedCluster {
        guard runtime.settings.usesEmbeddedCluster else {
            throw ValidationError("an external database is configured (ZAVA_DATABASE_URL or PG* variables); the embedded cluster is not used")
        }
        return runtime.provisioner.cluster
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create, start, migrate and seed the embedded cluster (idempotent).")
        @Option(help: "Dataset scale for the first seed (1 = 50,000 customers, ~200,000 orders).") var scale: Double = 1
        @Flag(help: "Also listen on 127.0.0.1 at a free port (default: a private unix socket only).") var tcp = false

        func run() async throws {
            try await reportingErrors {
                let runtime = try Runtime.load(readingPreferences: false)
                _ = try DBCommand.embedded(runtime)
                _ = try await runtime.provisioner.prepare(seedScale: scale, listenTCP: tcp, events: Console.report)
                Console.info("The embedded cluster is ready: \(try runtime.provisioner.cluster.uri(role: .analyst))")
            }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the embedded cluster.")
        func run() async throws {
            try await reportingErrors {
                let cluster = try DBCommand.embedded(try Runtime.load(readingPreferences: false))
                Console.info(try cluster.start() ? "Started." : "Already running.")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster.")
        func run() async throws {
            try await reportingErrors {
                let cluster = try DBCommand.embedded(try Runtime.load(readingPreferences: false))
                try cluster.stop()
                Console.info("Stopped.")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether the embedded cluster is running.")
        func run() async throws {
            try await reportingErrors {
                let runtime = try Runtime.load(readingPreferences: false)
                guard runtime.settings.usesEmbeddedCluster else {
                    print("external database (ZAVA_DATABASE_URL / PG* variables)")
                    return
                }
                let cluster = runtime.provisioner.cluster
                switch cluster.status {
                case .notInstalled: print("not installed (run `make bootstrap`)")
                case .notInitialized: print("not created in \(cluster.dataDirectory.path) (run `zava db init`)")
                case .stopped: print("stopped (data in \(cluster.dataDirectory.path))")
                case .running(let port): print("running (port \(port), data in \(cluster.dataDirectory.path))")
                }
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the embedded cluster and create it afresh.")
        @Option(help: "Dataset scale for the new seed.") var scale: Double = 1
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() async throws {
            try await reportingErrors {
                let runtime = try Runtime.load(readingPreferences: false)
                let cluster = try DBCommand.embedded(runtime)
                if !yes {
                    Console.info("This deletes every table in \(cluster.dataDirectory.path). Type 'yes' to continue:")
                    guard readLine()?.lowercased() == "yes" else { throw ValidationError("reset cancelled") }
                }
                try cluster.destroy()
                _ = try await runtime.provisioner.prepare(seedScale: scale, events: Console.report)
            }
        }
    }

    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a libpq URI for the analyst role (or the owner with --admin).")
        @Flag(help: "The owner role's URI instead (can write; bypasses RLS).") var admin = false

        func run() async throws {
            try await reportingErrors {
                let cluster = try DBCommand.embedded(try Runtime.load(readingPreferences: false))
                print(try cluster.uri(role: admin ? .owner : .analyst))
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply new or changed sql/ files.")
        func run() async throws {
            try await reportingErrors {
                let runtime = try Runtime.load(readingPreferences: false)
                if runtime.settings.usesEmbeddedCluster { try runtime.provisioner.cluster.start() }
                let applied = try await runtime.provisioner.migrate()
                Console.info(applied.isEmpty ? "Schema is up to date." : "Applied: \(applied.joined(separator: ", "))")
            }
        }
    }

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the retail data with the deterministic dataset.")
        @Option(help: "Scale: 1 = 50,000 customers, ~200,000 orders, ~417,000 items; 0.02 for quick tests.") var scale: Double = 1
        @Flag(name: .customLong("if-empty"), help: "Seed only a database that holds no stores yet (set-up jobs that run at every deployment).")
        var ifEmpty = false

        func run() async throws {
            try await reportingErrors {
                let runtime = try Runtime.load(readingPreferences: false)
                if runtime.settings.usesEmbeddedCluster { try runtime.provisioner.cluster.start() }
                if ifEmpty, try await runtime.provisioner.hasData() {
                    Console.info("The database holds a dataset already: not seeded (--if-empty).")
                    return
                }
                let report = try await runtime.provisioner.seed(scale: scale, progress: Console.seedProgress())
                Console.report(.seeded(report))
            }
        }
    }
}
