import Config

await CommandRunner.run(ImageProcessorCommand.self)
