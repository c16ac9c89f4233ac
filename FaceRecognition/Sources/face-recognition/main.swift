print("face-recognition: under construction")
