import Config
import Foundation

await CommandRunner.run(ReceiverCommand.self)
