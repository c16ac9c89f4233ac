// `make sharedkit-bench`: NSQ producer throughput against the protocol-exact in-process nsqd, and the
// MySQL table queue's enqueue/claim throughput and wake-up latency against a real MariaDB.
import Foundation

let only = CommandLine.arguments.dropFirst().first
if only == nil || only == "nsq" {
    try await runNSQBenchmarks()
}
if only == nil || only == "mysql-queue" {
    try await runMySQLQueueBenchmarks()
}
