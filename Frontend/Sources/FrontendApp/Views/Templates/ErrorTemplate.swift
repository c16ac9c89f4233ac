/// The page for 400 and 404 (and 500) answers to browser requests.
enum ErrorTemplate {
    static let text = #"""
        {{>header}}
        <div class="error-page">
        <h1>{{statusCode}} · {{statusText}}</h1>
        <p class="message">{{message}}</p>
        <p><a href="/">Back to the images</a></p>
        </div>
        {{>footer}}
        """#
}
