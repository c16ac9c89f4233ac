import Config

await CommandRunner.run(FaceRecognitionCommand.self)
