public import MCPCore

/// Programming languages offered as completions for `code_review`'s `language` argument.
let programmingLanguages = [
    "bash", "c", "cpp", "csharp", "css", "dart", "elixir", "go", "haskell", "html", "java", "javascript",
    "kotlin", "lua", "objective-c", "php", "python", "r", "ruby", "rust", "scala", "sql", "swift", "typescript",
    "yaml", "zig",
]

/// Prompts for reviewing, debugging, optimising and designing code.
@Catalogue
public struct CodePrompts: Sendable {
    /// The code prompts; they have no state.
    public init() {}

    /// Ask for a thorough review of a piece of code: quality, practices, performance, security,
    /// maintainability and bugs.
    /// - Parameters:
    ///   - code: The code to review.
    ///   - language: The programming language of the code.
    @Prompt("code_review", title: "Code Review", completions: ["language": .values(programmingLanguages)])
    static func codeReview(code: String, language: String = "python") -> String {
        """
        Please review the following \(language) code thoroughly.

        ```\(language)
        \(code)
        ```

        Cover these areas:

        1. **Code quality**: readability, naming, structure and organisation.
        2. **Best practices**: idioms of \(language), design patterns, SOLID principles.
        3. **Performance**: time and space complexity, memory use, likely bottlenecks.
        4. **Security**: input validation, known vulnerability classes, secure defaults.
        5. **Maintainability**: documentation, error handling, testability.
        6. **Bugs and issues**: logic errors, unhandled edge cases, runtime failures.

        For every finding, suggest a concrete improvement with a short example.
        """
    }

    /// Ask for a root-cause analysis of an error, with debugging steps and fixes.
    /// - Parameters:
    ///   - error_message: The error message or a description of the problem.
    ///   - code_context: The code around the failure, if available.
    @Prompt("bug_analysis", title: "Bug Analysis")
    static func bugAnalysis(error_message errorMessage: String, code_context codeContext: String = "") -> String {
        var text = """
            Help me analyse and fix this problem.

            **Error or issue:**
            \(errorMessage)

            """
        if !codeContext.isEmpty {
            text += """

                **Code context:**
                ```
                \(codeContext)
                ```

                """
        }
        text += """

            Please provide:

            1. **Root cause analysis**: what most likely causes this and why.
            2. **Debugging steps**: how to confirm the cause, step by step.
            3. **Solution options**: an immediate fix, a long-term fix and alternatives.
            4. **Prevention**: how to keep this class of problem from coming back.
            5. **Testing strategy**: tests that prove the fix and guard against regressions.

            Keep the recommendations specific and actionable.
            """
        return text
    }

    /// Ask for an optimised version of a piece of code, with the trade-offs involved.
    /// - Parameters:
    ///   - code: The code to optimise.
    ///   - optimization_goal: What to optimise for, such as performance, memory or readability.
    @Prompt(
        "code_optimization", title: "Code Optimization",
        completions: ["optimization_goal": ["performance", "memory", "readability", "maintainability", "security"]])
    static func codeOptimization(code: String, optimization_goal goal: String = "performance") -> String {
        """
        Optimise the following code, focusing on \(goal).

        ```
        \(code)
        ```

        **Goals:**
        - Primary: \(goal)
        - Keep the existing behaviour exactly.
        - Keep the code readable\(goal == "readability" ? "" : " unless a trade-off is worth it").

        Please provide:

        1. **Analysis of the current code**: where time, memory or clarity is lost.
        2. **Optimisation opportunities**: ranked by expected gain.
        3. **Optimised code**: complete and working.
        4. **Trade-offs**: what each change costs.
        5. **Benchmarking**: how to measure the improvement.
        """
    }

    /// Ask for a review of a system architecture against its requirements.
    /// - Parameters:
    ///   - description: The architecture to review.
    ///   - requirements: Functional and non-functional requirements, if any.
    @Prompt("architecture_review", title: "Architecture Review")
    static func architectureReview(description: String, requirements: String = "") -> String {
        var text = """
            Review the following software architecture.

            **Architecture description:**
            \(description)

            """
        if !requirements.isEmpty { text += "\n**Requirements:**\n\(requirements)\n" }
        text += """

            Evaluate:

            1. **Design principles**: separation of concerns, coupling, cohesion.
            2. **Scalability**: how it grows with load and data.
            3. **Maintainability**: how easily it can be changed and understood.
            4. **Reliability**: failure modes, redundancy, recovery.
            5. **Security**: trust boundaries, data protection, attack surface.
            6. **Technology choices**: fit of the chosen stack.
            7. **Recommendations**: prioritised improvements.
            """
        return text
    }
}

/// Prompts for data analysis, statistics, modelling and data quality.
@Catalogue
public struct DataPrompts: Sendable {
    /// The data prompts; they have no state.
    public init() {}

    /// Ask for an exploratory analysis of a dataset.
    /// - Parameters:
    ///   - data_description: What the dataset contains.
    ///   - analysis_goals: What the analysis should find out, if known.
    @Prompt("data_analysis", title: "Data Analysis")
    static func dataAnalysis(data_description dataDescription: String, analysis_goals goals: String = "") -> String {
        var text = """
            Analyse the following dataset.

            **Dataset description:**
            \(dataDescription)

            """
        if !goals.isEmpty { text += "\n**Analysis goals:**\n\(goals)\n" }
        text += """

            Please cover:

            1. **Exploratory data analysis**: structure, types, distributions, missing values.
            2. **Descriptive statistics**: central tendency, spread, correlations.
            3. **Visualisation recommendations**: which charts show what.
            4. **Pattern discovery**: trends, clusters, anomalies.
            5. **Insights and findings**: what the data says, with confidence.
            6. **Next steps**: further analyses worth doing.
            """
        return text
    }

    /// Ask for a plan to test a statistical hypothesis.
    /// - Parameters:
    ///   - hypothesis: The hypothesis to test.
    ///   - data_info: What data is available.
    @Prompt("statistical_analysis", title: "Statistical Analysis")
    static func statisticalAnalysis(hypothesis: String, data_info dataInfo: String) -> String {
        """
        Design a statistical analysis for this hypothesis.

        **Hypothesis:**
        \(hypothesis)

        **Available data:**
        \(dataInfo)

        Please provide:

        1. **Hypothesis formulation**: H₀, H₁ and the significance level α.
        2. **Test selection**: the appropriate test and why its assumptions hold.
        3. **Data preparation**: cleaning, transformations, sample size.
        4. **Analysis plan**: step by step, with code examples.
        5. **Interpretation guidelines**: p-values, effect sizes, confidence intervals.
        6. **Reporting template**: how to present the result.
        """
    }

    /// Ask for a plan to build a predictive model.
    /// - Parameters:
    ///   - target_variable: What the model should predict.
    ///   - features_description: The features available.
    ///   - business_context: Why the prediction matters, if known.
    @Prompt("predictive_modeling", title: "Predictive Modeling")
    static func predictiveModeling(
        target_variable target: String, features_description features: String, business_context context: String = ""
    ) -> String {
        var text = """
            Plan a predictive model.

            **Target variable:** \(target)

            **Available features:**
            \(features)

            """
        if !context.isEmpty { text += "\n**Business context:**\n\(context)\n" }
        text += """

            Please cover:

            1. **Problem definition**: task type, success criteria.
            2. **Data strategy**: collection, splitting, feature engineering, leakage risks.
            3. **Model selection**: candidate models and why.
            4. **Evaluation framework**: metrics, validation scheme, baselines.
            5. **Implementation plan**: steps, tooling, deployment.
            6. **Monitoring and maintenance**: drift, retraining, alerting.
            """
        return text
    }

    /// Ask for an assessment of a dataset's quality.
    /// - Parameter dataset_info: What the dataset contains and where it comes from.
    @Prompt("data_quality_assessment", title: "Data Quality Assessment")
    static func dataQualityAssessment(dataset_info datasetInfo: String) -> String {
        """
        Assess the quality of this dataset.

        **Dataset information:**
        \(datasetInfo)

        Evaluate each dimension:

        1. **Completeness**: missing values and records.
        2. **Accuracy**: values that are wrong or implausible.
        3. **Consistency**: contradictions within and across sources.
        4. **Validity**: values outside their allowed formats or ranges.
        5. **Uniqueness**: duplicates.
        6. **Timeliness**: how current the data is.
        7. **Data quality issues**: the problems found, ranked by impact.
        8. **Quality improvement plan**: fixes, checks and ownership.
        """
    }
}
